//! Per-frame video kernels: the flow-guided starting image (`blend_init`) and the temporal loss
//! (`temporal`), each with its CPU twin.
use crate::gpu::shaders::{read, read_write};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::reduce::{Reducer, Sum};
use crate::Result;

pub const BLEND_INIT: Kernel = Kernel::new(
    Shader::Video,
    "blend_init",
    &[read(1, "content"), read_write(2, "x"), read(3, "warped"), read(4, "mask")],
);
pub const TEMPORAL: Kernel = Kernel::new(
    Shader::Video,
    "temporal",
    &[read(6, "image"), read_write(7, "grad"), read(3, "warped"), read(4, "mask"), read_write(5, "terms")],
);
pub const CLOSEST_FIRST: Kernel =
    Kernel::new(Shader::Video, "closest_first", &[read_write(8, "weights"), read_write(9, "covered")]);
pub const KERNELS: &[Kernel] = &[BLEND_INIT, TEMPORAL, CLOSEST_FIRST];

crate::shader_params! {
    /// `struct Params` of shaders/video.wgsl.
    pub struct VideoParams for Shader::Video {
        /// pixels per plane
        n: u32,
        /// blend_init: weight of the warped previous result
        blend: f32,
        /// temporal: 2 * weight / (3 * n)
        k: f32,
    }
}

/// x = content + mask * blend * (warped - content) for planar [3, H, W] images and a [H, W] mask:
/// the warped previous result where the flow holds, the new frame where it does not.
pub fn blend_init(
    gpu: &Gpu,
    plan: &mut Plan,
    content: &Tensor,
    warped: &Tensor,
    mask: &Tensor,
    blend: f32,
    x: &Tensor,
) {
    let n = mask.len();
    assert!(content.len() == 3 * n && warped.len() == 3 * n && x.len() == 3 * n, "blend_init sizes");
    let p = VideoParams { n: n as u32, blend, ..Default::default() };
    plan.dispatch_1d(gpu, &BLEND_INIT, &p, &[&content.buffer, &x.buffer, &warped.buffer, &mask.buffer], 3 * n);
}

/// Combine a farther frame's consistency `weights` [H, W] with the sum of the closer frames'
/// (`covered`), closest first: weights = max(weights - covered, 0); covered += weights.
pub fn closest_first(gpu: &Gpu, plan: &mut Plan, weights: &Tensor, covered: &Tensor) {
    let n = weights.len();
    assert_eq!(covered.len(), n, "closest_first sizes");
    let p = VideoParams { n: n as u32, ..Default::default() };
    plan.dispatch_1d(gpu, &CLOSEST_FIRST, &p, &[&weights.buffer, &covered.buffer], n);
}

/// The temporal loss weight * mean(mask * (image - warped)^2) over the 3 * H * W values: value
/// into one slot of a loss buffer, gradient added to the image gradient.
pub struct TemporalLoss {
    reducer: Reducer,
    terms: Tensor,
}

impl TemporalLoss {
    pub fn new(gpu: &Gpu, pixels: usize) -> Result<Self> {
        Ok(TemporalLoss {
            reducer: Reducer::new(gpu, 3 * pixels)?,
            terms: Tensor::zeros(gpu, &[3 * pixels], "temporal terms")?,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        weight: f32,
        image: &Tensor,
        warped: &Tensor,
        mask: &Tensor,
        grad: &Tensor,
        losses: &Tensor,
        slot: usize,
        accumulate: bool,
    ) {
        let n = mask.len();
        assert!(image.len() == 3 * n && warped.len() == 3 * n && grad.len() == 3 * n, "temporal loss sizes");
        let k = 3 * n;
        let p = VideoParams { n: n as u32, k: 2.0 * weight / k as f32, ..Default::default() };
        let bufs = [&*image.buffer, &grad.buffer, &warped.buffer, &mask.buffer, &self.terms.buffer];
        plan.dispatch_1d(gpu, &TEMPORAL, &p, &bufs, k);
        self.reducer.record(gpu, plan, Sum::Plain(&self.terms), weight / k as f32, losses, slot, accumulate);
    }
}

// --- CPU references ---

/// CPU twin of `blend_init`: content + mask * blend * (warped - content), planar [3, n].
pub fn blend_init_cpu(content: &[f32], warped: &[f32], mask: &[f32], blend: f32) -> Vec<f32> {
    let n = mask.len();
    (0..3 * n)
        .map(|i| {
            (content[i] as f64 + mask[i % n] as f64 * blend as f64 * (warped[i] as f64 - content[i] as f64)) as f32
        })
        .collect()
}

/// CPU twin of the temporal loss: (value, gradient) of weight * mean(mask * (image - warped)^2)
/// over the 3n values, planar [3, n] images and an [n] mask.
pub fn temporal_cpu(weight: f32, image: &[f32], warped: &[f32], mask: &[f32]) -> (f64, Vec<f32>) {
    let n = mask.len();
    let k = weight as f64 / (3 * n) as f64;
    let mut value = 0.0;
    let grad = (0..3 * n)
        .map(|i| {
            let (m, d) = (mask[i % n] as f64, image[i] as f64 - warped[i] as f64);
            value += m * d * d;
            (2.0 * k * m * d) as f32
        })
        .collect();
    (value * k, grad)
}

/// CPU twin of `closest_first`: the weights of frames t-j (closest first, [H, W] each) combined
/// so that each keeps only what the closer ones leave: c_j = max(c_j - sum_{k<j} c_k, 0).
pub fn closest_first_cpu(weights: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let n = weights.first().map_or(0, |w| w.len());
    let mut covered = vec![0.0f32; n];
    weights
        .iter()
        .map(|w| {
            w.iter()
                .zip(covered.iter_mut())
                .map(|(&c, s)| {
                    let c = (c - *s).max(0.0);
                    *s += c;
                    c
                })
                .collect()
        })
        .collect()
}
