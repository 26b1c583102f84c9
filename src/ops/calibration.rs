//! Calibration kernels for the benchmark (shaders/calibration.wgsl): the device's achievable FP32
//! FMA rate and copy bandwidth, each with its CPU twin.
use crate::gpu::shaders::{read, read_write, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};

const BINDINGS: &[Binding] = &[read(1, "src"), read_write(2, "dst")];
pub const PEAK_FMA: Kernel = Kernel::new(Shader::Calibration, "peak_fma", BINDINGS);
pub const COPY: Kernel = Kernel::new(Shader::Calibration, "copy", BINDINGS);
pub const KERNELS: &[Kernel] = &[PEAK_FMA, COPY];

crate::shader_params! {
    /// `struct Params` of shaders/calibration.wgsl.
    pub struct CalibrationParams for Shader::Calibration {
        /// peak_fma: loop trips; copy: vec4 elements
        n: u32,
    }
}

/// FLOPs of one invocation of `peak_fma` per loop trip: 4 steps of 8 vec4 FMA chains.
pub const PEAK_FMA_FLOPS_PER_TRIP: f64 = 256.0;

/// dst[i] (vec4) = the sum of 8 FMA chains started from src[i % 64] + k, `trips` loop trips each.
/// `src` holds 64 vec4, `dst` one vec4 per invocation.
pub fn peak_fma(gpu: &Gpu, plan: &mut Plan, src: &Tensor, dst: &Tensor, trips: u32) {
    assert_eq!(src.len(), 64 * 4, "peak_fma reads 64 vec4");
    let invocations = dst.len() / 4;
    assert_eq!(invocations % 64, 0, "peak_fma runs whole workgroups");
    let groups = [(invocations / 64) as u32, 1, 1];
    plan.dispatch(gpu, &PEAK_FMA, &CalibrationParams { n: trips }, &[&src.buffer, &dst.buffer], groups);
}

/// dst = src, as vec4 (lengths multiples of 4).
pub fn copy(gpu: &Gpu, plan: &mut Plan, src: &Tensor, dst: &Tensor) {
    assert_eq!(src.len(), dst.len(), "copy lengths");
    let n = src.len() / 4;
    plan.dispatch_1d(gpu, &COPY, &CalibrationParams { n: n as u32 }, &[&src.buffer, &dst.buffer], n);
}

// --- CPU references ---

/// CPU twin of `peak_fma`: the vec4 each invocation writes (`invocations` of them), f32 like the
/// GPU (fma rounds once there; the reference uses mul_add, which does too).
pub fn peak_fma_cpu(src: &[f32], invocations: usize, trips: u32) -> Vec<f32> {
    let mut out = Vec::with_capacity(invocations * 4);
    for i in 0..invocations {
        for lane in 0..4 {
            let s = src[(i % 64) * 4 + lane];
            let mut sum = 0.0f32;
            for chain in 0..8 {
                let mut a = s + chain as f32;
                for _ in 0..4 * trips {
                    a = a.mul_add(0.999, 0.001);
                }
                sum += a;
            }
            out.push(sum);
        }
    }
    out
}
