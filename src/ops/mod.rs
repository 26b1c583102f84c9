//! Kernel families. Each file holds the host side of one WGSL file in `shaders/` (recording its
//! launches into a [`Plan`](crate::gpu::Plan)) and, beside it, the plain-Rust CPU reference
//! that the tests compare it with.
pub mod adam;
pub mod calibration;
pub mod conv;
pub mod elementwise;
pub mod gram;
pub mod image;
pub mod lbfgs;
pub mod loss;
pub mod pad;
pub mod pool;
pub mod reduce;
pub mod video;
pub mod winograd;

/// Every kernel the library launches (each module's `KERNELS`), for the tests that check them
/// against the WGSL.
pub fn all_kernels() -> Vec<crate::gpu::Kernel> {
    [adam::KERNELS, calibration::KERNELS, conv::KERNELS, elementwise::KERNELS, gram::KERNELS, image::KERNELS]
        .into_iter()
        .chain([
            lbfgs::KERNELS,
            loss::KERNELS,
            pad::KERNELS,
            pool::KERNELS,
            reduce::KERNELS,
            video::KERNELS,
            winograd::KERNELS,
            crate::flow::KERNELS,
            crate::stylenet::KERNELS,
        ])
        .flatten()
        .copied()
        .collect()
}

/// Every parameter twin (each kernel family's `shader_params!` struct), for the test that checks
/// them against the WGSL structs.
pub fn all_params() -> Vec<crate::gpu::params::ParamsLayout> {
    use crate::gpu::params::layout_of;
    vec![
        layout_of::<adam::AdamParams>(),
        layout_of::<calibration::CalibrationParams>(),
        layout_of::<conv::ConvParams>(),
        layout_of::<elementwise::ElementwiseParams>(),
        layout_of::<crate::flow::FlowParams>(),
        layout_of::<gram::GramParams>(),
        layout_of::<image::ImageParams>(),
        layout_of::<lbfgs::LbfgsParams>(),
        layout_of::<loss::LossParams>(),
        layout_of::<pad::PadParams>(),
        layout_of::<pool::PoolParams>(),
        layout_of::<reduce::ReduceParams>(),
        layout_of::<video::VideoParams>(),
        layout_of::<winograd::WinoParams>(),
        layout_of::<crate::stylenet::StyleNetParams>(),
    ]
}

/// The ImageNet mean (RGB, 0..255) subtracted from the network input.
pub const IMAGENET_MEAN: [f32; 3] = [123.68, 116.779, 103.939];

pub(crate) fn dims3(shape: &[usize]) -> (usize, usize, usize) {
    match shape {
        [c, h, w] => (*c, *h, *w),
        [1, c, h, w] => (*c, *h, *w),
        _ => panic!("expected a [C, H, W] tensor, got {shape:?}"),
    }
}
