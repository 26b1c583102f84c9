//! VGG-19 (conv1_1 ... conv5_1) on the GPU: forward keeping the activations the backward pass
//! needs, and backward to the input image from gradients injected at chosen layers.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::gpu::{Gpu, Plan, Tensor};
use crate::ops::conv::{self, ConvWeights};
use crate::ops::elementwise;
use crate::ops::pad::Padding;
use crate::ops::pool::{self, Pool};
use crate::weights::TensorFile;

/// (name, input channels, output channels, pooled after) for every conv layer we use.
pub const LAYERS: [(&str, usize, usize, bool); 13] = [
    ("conv1_1", 3, 64, false),
    ("conv1_2", 64, 64, true),
    ("conv2_1", 64, 128, false),
    ("conv2_2", 128, 128, true),
    ("conv3_1", 128, 256, false),
    ("conv3_2", 256, 256, false),
    ("conv3_3", 256, 256, false),
    ("conv3_4", 256, 256, true),
    ("conv4_1", 256, 512, false),
    ("conv4_2", 512, 512, false),
    ("conv4_3", 512, 512, false),
    ("conv4_4", 512, 512, true),
    ("conv5_1", 512, 512, false),
];

/// Index in [`LAYERS`] of the ReLU output called `relu{X}_{Y}` (or `conv{X}_{Y}`).
pub fn layer_index(name: &str) -> Result<usize> {
    let conv = name.replacen("relu", "conv", 1);
    LAYERS.iter().position(|l| l.0 == conv).ok_or_else(|| {
        Error::Invalid(format!(
            "unknown layer `{name}`; known: relu1_1 ... relu5_1 ({})",
            LAYERS.iter().map(|l| l.0.replace("conv", "relu")).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// Where the bundled weights are looked for when no --weights is given.
pub fn default_weights_candidates() -> Vec<PathBuf> {
    const FILE: &str = "vgg19_conv1_1-conv5_1.safetensors";
    let mut c = Vec::new();
    if let Some(p) = std::env::var_os("PAINTFLOW_WEIGHTS") {
        c.push(PathBuf::from(p));
    }
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(1).take(4) {
            c.push(up.join("weights").join(FILE));
        }
    }
    c.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("weights").join(FILE));
    c
}

pub fn default_weights_path() -> Result<PathBuf> {
    // a variable that names nothing is a mistake to report, not a reason to load other weights
    if let Some(p) = std::env::var_os("PAINTFLOW_WEIGHTS").map(PathBuf::from) {
        return match p.is_file() {
            true => Ok(p),
            false => Err(Error::file(&p, "PAINTFLOW_WEIGHTS names no file (unset it to use the bundled weights)")),
        };
    }
    let c = default_weights_candidates();
    c.iter().find(|p| p.is_file()).cloned().ok_or_else(|| Error::Weights {
        path: "(default)".into(),
        msg: format!(
            "VGG-19 weights not found; looked in: {}. Pass --weights FILE or set PAINTFLOW_WEIGHTS.",
            c.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// Host copies of the conv weights (OIHW) and biases, validated against [`LAYERS`].
pub struct VggWeights {
    pub layers: Vec<(Vec<f32>, Vec<f32>)>,
}

impl VggWeights {
    /// Load the first `count` layers from `path`, checking each tensor's presence, dtype and shape.
    pub fn load(path: &Path, count: usize) -> Result<VggWeights> {
        let file = TensorFile::open(path)?;
        let mut layers = Vec::new();
        for &(name, cin, cout, _) in &LAYERS[..count] {
            let (_, w) = file.get(&format!("{name}.weight"), Some(&[cout, cin, 3, 3]))?;
            let (_, b) = file.get(&format!("{name}.bias"), Some(&[cout]))?;
            if w.iter().chain(&b).any(|v| !v.is_finite()) {
                return Err(Error::Weights {
                    path: path.display().to_string(),
                    msg: format!("tensor `{name}` holds NaN or Inf"),
                });
            }
            layers.push((w, b));
        }
        Ok(VggWeights { layers })
    }
}

/// The network truncated after the deepest layer needed, on the GPU.
pub struct Vgg {
    pub convs: Vec<ConvWeights>,
    pub pool: Pool,
    /// How every convolution sees beyond its input's edge (VGG was trained with zeros; a
    /// painting then grows a frame along its borders). Zero unless set.
    pub padding: Padding,
}

impl Vgg {
    pub fn new(gpu: &Gpu, weights: &VggWeights, pool: Pool) -> Result<Vgg> {
        let convs = weights
            .layers
            .iter()
            .zip(LAYERS.iter())
            .map(|((w, b), &(name, cin, cout, _))| ConvWeights::new(gpu, cout, cin, w, b, name))
            .collect::<Result<_>>()?;
        Ok(Vgg { convs, pool, padding: Padding::Zero })
    }

    pub fn depth(&self) -> usize {
        self.convs.len()
    }
}

/// Buffers for one input size: each layer's ReLU output, the pooled tensors, and the gradients.
pub struct VggPass {
    pub input: Tensor,
    /// ReLU output of every layer.
    pub acts: Vec<Tensor>,
    /// Pooled output after the layers that pool (None elsewhere).
    pub pooled: Vec<Option<Tensor>>,
    /// d loss / d (ReLU output) of every layer (filled during backward). Views of two shared
    /// buffers used alternately: the backward pass needs only layer i's and layer i-1's at once.
    pub grads: Vec<Tensor>,
    /// d loss / d (pooled output), where there is one (views of one shared buffer).
    pooled_grads: Vec<Option<Tensor>>,
    /// d loss / d input.
    pub input_grad: Tensor,
    /// The padding the convolutions use (Winograd reads replicate/reflect borders itself; the
    /// other kernels go through padded scratch).
    padding: Padding,
}

impl VggPass {
    /// Allocate for an input of `h` x `w`, keeping layers up to `depth`, with the first layer's
    /// `padding`.
    pub fn new(gpu: &Gpu, depth: usize, h: usize, w: usize, padding: Padding) -> Result<VggPass> {
        // Shapes first: the shared gradient buffers are as large as the largest view.
        let (mut hh, mut ww) = (h, w);
        let mut shapes = Vec::new();
        for &(name, _, cout, pools) in &LAYERS[..depth] {
            if hh == 0 || ww == 0 {
                return Err(Error::Invalid(format!(
                    "the image is too small for VGG-19 up to {name}: it needs at least 16 px on each side"
                )));
            }
            let act = [cout, hh, ww];
            if pools {
                hh /= 2;
                ww /= 2;
            }
            shapes.push((name, act, pools.then_some([cout, hh, ww])));
        }
        let biggest = shapes.iter().map(|s| s.1.iter().product::<usize>()).max().unwrap_or(1);
        let biggest_pooled = shapes.iter().filter_map(|s| s.2.map(|p| p.iter().product::<usize>())).max().unwrap_or(1);
        let shared =
            [Tensor::zeros(gpu, &[biggest], "layer grads A")?, Tensor::zeros(gpu, &[biggest], "layer grads B")?];
        let shared_pooled = Tensor::zeros(gpu, &[biggest_pooled], "pooled grads")?;
        let mut acts = Vec::new();
        let mut pooled = Vec::new();
        let mut grads = Vec::new();
        let mut pooled_grads = Vec::new();
        for (i, (name, act, pool)) in shapes.into_iter().enumerate() {
            acts.push(Tensor::zeros(gpu, &act, name)?);
            grads.push(shared[i % 2].view(&act));
            pooled.push(pool.map(|p| Tensor::zeros(gpu, &p, name)).transpose()?);
            pooled_grads.push(pool.map(|p| shared_pooled.view(&p)));
        }
        Ok(VggPass {
            input: Tensor::zeros(gpu, &[3, h, w], "vgg input")?,
            acts,
            pooled,
            grads,
            pooled_grads,
            input_grad: Tensor::zeros(gpu, &[3, h, w], "vgg input grad")?,
            padding,
        })
    }

    /// Bytes of GPU memory held by this pass (each shared buffer counted once).
    pub fn bytes(&self) -> u64 {
        let mut seen = std::collections::HashSet::new();
        let all = [&self.input, &self.input_grad]
            .into_iter()
            .chain(&self.acts)
            .chain(&self.grads)
            .chain(self.pooled.iter().flatten())
            .chain(self.pooled_grads.iter().flatten());
        all.filter(|t| seen.insert(std::sync::Arc::as_ptr(&t.buffer))).map(|t| t.buffer.size()).sum()
    }

    /// Record the forward pass of `vgg` over `self.input`, through `upto` (inclusive).
    pub fn record_forward(&self, gpu: &Gpu, plan: &mut Plan, vgg: &Vgg, upto: usize) {
        assert_eq!(self.padding, vgg.padding, "pass built for another padding");
        let mut x = &self.input;
        for i in 0..=upto {
            conv::forward_padded(gpu, plan, x, &vgg.convs[i], &self.acts[i], true, self.padding);
            x = &self.acts[i];
            if let Some(p) = &self.pooled[i] {
                if i < upto {
                    pool::forward(gpu, plan, vgg.pool, x, p);
                    x = p;
                }
            }
        }
    }

    /// Record the backward pass from layer `upto` down to the input. Before each layer's part,
    /// `inject(i, plan, first)` must add (or, if `first`, write) the loss gradient of layer i's
    /// ReLU output into `grads[i]`; it returns whether it wrote anything.
    pub fn record_backward(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        vgg: &Vgg,
        upto: usize,
        mut inject: impl FnMut(usize, &mut Plan, bool) -> bool,
    ) {
        // `have`: grads[i] already holds the gradient flowing down from above.
        let mut have = false;
        for i in (0..=upto).rev() {
            let wrote = inject(i, plan, !have);
            have |= wrote;
            if !have {
                continue;
            }
            let below = if i == 0 {
                &self.input_grad
            } else if let (Some(pg), Some(_)) = (&self.pooled_grads[i - 1], &self.pooled[i - 1]) {
                pg
            } else {
                &self.grads[i - 1]
            };
            // through layer i's ReLU (fused into the convolution's loads where it can be)
            let (grad, act) = (&self.grads[i], Some(&self.acts[i]));
            conv::backward_input_padded(gpu, plan, grad, act, &vgg.convs[i], below, self.padding);
            if i > 0 {
                if let Some(pg) = &self.pooled_grads[i - 1] {
                    pool::backward(gpu, plan, vgg.pool, &self.acts[i - 1], pg, &self.grads[i - 1]);
                }
            }
        }
        if !have {
            // No loss at all: the gradient is zero.
            elementwise::axpby(gpu, plan, 0.0, &self.input, 0.0, &self.input_grad);
        }
    }
}
