//! 3x3 convolution (stride 1, zero padding 1) with bias and optional ReLU, and its input gradient.
use crate::gpu::{Gpu, Params, Plan, Tensor};
use crate::ops::dims3;
use crate::Result;

const SRC: &str = include_str!("../../shaders/conv.wgsl");

/// One convolution layer's weights on the GPU, packed for the kernel: `forward` holds
/// w[oc, ic, ky, kx] as [ic][ky][kx][oc] vec4s; `backward` the transposed, flipped weights that
/// turn the input gradient into another forward convolution.
pub struct ConvWeights {
    pub cin: usize,
    pub cout: usize,
    forward: Tensor,
    bias: Tensor,
    backward: Tensor,
    zero_bias: Tensor,
}

/// Pack OIHW weights `w` [cout, cin, 3, 3] into [cin][3][3][ceil(cout/4)*4].
fn pack(w: &[f32], cout: usize, cin: usize) -> Vec<f32> {
    let op = cout.div_ceil(4) * 4;
    let mut out = vec![0.0; cin * 9 * op];
    for o in 0..cout {
        for i in 0..cin {
            for k in 0..9 {
                out[(i * 9 + k) * op + o] = w[(o * cin + i) * 9 + k];
            }
        }
    }
    out
}

/// The weights of the input-gradient convolution: w'[ic, oc, ky, kx] = w[oc, ic, 2-ky, 2-kx].
pub fn transpose_flip(w: &[f32], cout: usize, cin: usize) -> Vec<f32> {
    let mut out = vec![0.0; w.len()];
    for o in 0..cout {
        for i in 0..cin {
            for k in 0..9 {
                out[(i * cout + o) * 9 + (8 - k)] = w[(o * cin + i) * 9 + k];
            }
        }
    }
    out
}

fn padded(v: &[f32]) -> Vec<f32> {
    let mut b = v.to_vec();
    b.resize(v.len().div_ceil(4) * 4, 0.0);
    b
}

impl ConvWeights {
    /// `weight` is OIHW [cout, cin, 3, 3], `bias` [cout].
    pub fn new(gpu: &Gpu, cout: usize, cin: usize, weight: &[f32], bias: &[f32], label: &str) -> Result<ConvWeights> {
        assert_eq!(weight.len(), cout * cin * 9, "weight length");
        assert_eq!(bias.len(), cout, "bias length");
        let op = cout.div_ceil(4) * 4;
        let ip = cin.div_ceil(4) * 4;
        Ok(ConvWeights {
            cin,
            cout,
            forward: Tensor::from_slice(gpu, &[cin * 9 * op], &pack(weight, cout, cin), label)?,
            bias: Tensor::from_slice(gpu, &[op], &padded(bias), label)?,
            backward: Tensor::from_slice(gpu, &[cout * 9 * ip], &pack(&transpose_flip(weight, cout, cin), cin, cout), label)?,
            zero_bias: Tensor::zeros(gpu, &[ip], label)?,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn launch(gpu: &Gpu, plan: &mut Plan, input: &Tensor, w: &Tensor, b: &Tensor, out: &Tensor, cin: usize, cout: usize, relu: bool) {
    let (c, h, wd) = dims3(&input.shape);
    assert_eq!(c, cin, "conv input channels");
    assert_eq!(dims3(&out.shape), (cout, h, wd), "conv output shape");
    let oc4 = cout.div_ceil(4);
    let wb = wd.div_ceil(4);
    let params = Params::new().u(cin).u(h).u(wd).u(cout).u(oc4).u(wb).u(relu as u32).u(0u32);
    plan.dispatch_1d(gpu, "conv", SRC, "conv3x3", params, &[&input.buffer, &w.buffer, &b.buffer, &out.buffer], oc4 * h * wb);
}

/// out = conv3x3(input) + bias, then ReLU if `relu`. input [cin, H, W], out [cout, H, W].
pub fn forward(gpu: &Gpu, plan: &mut Plan, input: &Tensor, w: &ConvWeights, out: &Tensor, relu: bool) {
    launch(gpu, plan, input, &w.forward, &w.bias, out, w.cin, w.cout, relu);
}

/// grad_in = d(loss)/d(input) given grad_out = d(loss)/d(conv output before any ReLU).
pub fn backward_input(gpu: &Gpu, plan: &mut Plan, grad_out: &Tensor, w: &ConvWeights, grad_in: &Tensor) {
    launch(gpu, plan, grad_out, &w.backward, &w.zero_bias, grad_in, w.cout, w.cin, false);
}

/// Number of floating-point operations of one forward (or input-gradient) pass: 2 per MAC.
pub fn flops(cin: usize, cout: usize, h: usize, w: usize) -> f64 {
    2.0 * 9.0 * (cin * cout * h * w) as f64
}

/// CPU reference: direct convolution, f64 accumulation.
pub fn forward_cpu(input: &[f32], cin: usize, h: usize, w: usize, weight: &[f32], bias: &[f32], cout: usize, relu: bool) -> Vec<f32> {
    let mut out = vec![0.0f32; cout * h * w];
    for o in 0..cout {
        for y in 0..h {
            for x in 0..w {
                let mut s = bias[o] as f64;
                for i in 0..cin {
                    for ky in 0..3 {
                        for kx in 0..3 {
                            let (yy, xx) = (y as isize + ky as isize - 1, x as isize + kx as isize - 1);
                            if yy < 0 || xx < 0 || yy >= h as isize || xx >= w as isize {
                                continue;
                            }
                            s += weight[((o * cin + i) * 3 + ky) * 3 + kx] as f64 * input[(i * h + yy as usize) * w + xx as usize] as f64;
                        }
                    }
                }
                out[(o * h + y) * w + x] = if relu { s.max(0.0) as f32 } else { s as f32 };
            }
        }
    }
    out
}

/// CPU reference for the input gradient, written as the scatter of each output gradient back
/// onto the inputs it read (independent of the transposed-kernel trick the GPU uses).
pub fn backward_input_cpu(grad_out: &[f32], cout: usize, h: usize, w: usize, weight: &[f32], cin: usize) -> Vec<f32> {
    let mut gin = vec![0.0f64; cin * h * w];
    for o in 0..cout {
        for y in 0..h {
            for x in 0..w {
                let g = grad_out[(o * h + y) * w + x] as f64;
                for i in 0..cin {
                    for ky in 0..3 {
                        for kx in 0..3 {
                            let (yy, xx) = (y as isize + ky as isize - 1, x as isize + kx as isize - 1);
                            if yy < 0 || xx < 0 || yy >= h as isize || xx >= w as isize {
                                continue;
                            }
                            gin[(i * h + yy as usize) * w + xx as usize] += g * weight[((o * cin + i) * 3 + ky) * 3 + kx] as f64;
                        }
                    }
                }
            }
        }
    }
    gin.into_iter().map(|v| v as f32).collect()
}
