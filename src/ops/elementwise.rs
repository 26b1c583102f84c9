//! Elementwise kernels: ReLU backward and y = a*x + b*y.
use crate::gpu::shaders::{read, read_write};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};

pub const RELU_BACKWARD: Kernel =
    Kernel::new(Shader::Elementwise, "relu_backward", &[read(1, "x"), read_write(2, "y")]);
pub const AXPBY: Kernel = Kernel::new(Shader::Elementwise, "axpby", &[read(1, "x"), read_write(2, "y")]);
/// y *= a / (norms[slot] + 1e-8).
pub const SCALE_BY_NORM: Kernel =
    Kernel::new(Shader::Elementwise, "scale_by_norm", &[read_write(2, "y"), read(3, "norms")]);
/// y = a / (norms[slot] + 1e-8) * x + b * y.
pub const AXPBY_BY_NORM: Kernel =
    Kernel::new(Shader::Elementwise, "axpby_by_norm", &[read(1, "x"), read_write(2, "y"), read(3, "norms")]);
pub const KERNELS: &[Kernel] = &[RELU_BACKWARD, AXPBY, SCALE_BY_NORM, AXPBY_BY_NORM];

crate::shader_params! {
    /// `struct Params` of shaders/elementwise.wgsl.
    pub struct ElementwiseParams for Shader::Elementwise { n: u32, a: f32, b: f32, slot: u32 }
}

/// In place: grad[i] = 0 where the ReLU output `act[i]` is not positive.
pub fn relu_backward(gpu: &Gpu, plan: &mut Plan, act: &Tensor, grad: &Tensor) {
    assert_eq!(act.len(), grad.len(), "relu_backward lengths");
    let params = ElementwiseParams { n: grad.len() as u32, ..Default::default() };
    plan.dispatch_1d(gpu, &RELU_BACKWARD, &params, &[&act.buffer, &grad.buffer], grad.len());
}

/// y = a * x + b * y (b = 0 overwrites y).
pub fn axpby(gpu: &Gpu, plan: &mut Plan, a: f32, x: &Tensor, b: f32, y: &Tensor) {
    assert_eq!(x.len(), y.len(), "axpby lengths");
    let params = ElementwiseParams { n: y.len() as u32, a, b, slot: 0 };
    plan.dispatch_1d(gpu, &AXPBY, &params, &[&x.buffer, &y.buffer], y.len());
}

/// In place: y *= a / (norms[slot] + 1e-8), the norm computed earlier on the GPU.
pub fn scale_by_norm(gpu: &Gpu, plan: &mut Plan, a: f32, norms: &Tensor, slot: usize, y: &Tensor) {
    assert!(slot < norms.len(), "norm slot");
    let params = ElementwiseParams { n: y.len() as u32, a, b: 0.0, slot: slot as u32 };
    plan.dispatch_1d(gpu, &SCALE_BY_NORM, &params, &[&y.buffer, &norms.buffer], y.len());
}

/// y = a / (norms[slot] + 1e-8) * x + b * y (b = 0 overwrites y).
#[allow(clippy::too_many_arguments)]
pub fn axpby_by_norm(gpu: &Gpu, plan: &mut Plan, a: f32, norms: &Tensor, slot: usize, x: &Tensor, b: f32, y: &Tensor) {
    assert_eq!(x.len(), y.len(), "axpby_by_norm lengths");
    assert!(slot < norms.len(), "norm slot");
    let params = ElementwiseParams { n: y.len() as u32, a, b, slot: slot as u32 };
    plan.dispatch_1d(gpu, &AXPBY_BY_NORM, &params, &[&x.buffer, &y.buffer, &norms.buffer], y.len());
}

pub fn relu_backward_cpu(act: &[f32], grad: &[f32]) -> Vec<f32> {
    act.iter().zip(grad).map(|(&a, &g)| if a > 0.0 { g } else { 0.0 }).collect()
}

pub fn axpby_cpu(a: f32, x: &[f32], b: f32, y: &[f32]) -> Vec<f32> {
    x.iter().zip(y).map(|(&x, &y)| if b != 0.0 { a * x + b * y } else { a * x }).collect()
}

/// a / (norm + 1e-8), as the by-norm kernels compute it (f32).
pub fn norm_factor_cpu(a: f32, norm: f32) -> f32 {
    a / (norm + 1e-8)
}

pub fn axpby_by_norm_cpu(a: f32, norm: f32, x: &[f32], b: f32, y: &[f32]) -> Vec<f32> {
    axpby_cpu(norm_factor_cpu(a, norm), x, b, y)
}
