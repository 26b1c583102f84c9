//! The list of every WGSL shader (the only place that includes one) and how a kernel is named:
//! a [`Kernel`] is a shader plus an entry point, its workgroup size and its bind-group layout,
//! declared once beside the host function that launches it. `tests/seam.rs` checks each
//! declaration against the WGSL (naga reflection): names, binding numbers, access, workgroup size.

/// One WGSL module. Each variant maps to exactly one source text, so the pipeline cache, keyed
/// by (shader, entry point), cannot confuse two sources.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Shader {
    Adam,
    Calibration,
    Conv,
    /// conv.wgsl plus conv_subgroup.wgsl: a separate module because it only compiles where the
    /// device has subgroup operations.
    ConvSubgroup,
    /// conv.wgsl plus conv_tiled.wgsl: the workgroup-tiled implicit GEMM (override constants).
    ConvTiled,
    Elementwise,
    Flow,
    Gram,
    /// gram.wgsl plus gram_subgroup.wgsl: the subgroup-broadcast Gram kernels for CPU drivers.
    GramSubgroup,
    Image,
    Lbfgs,
    Loss,
    Pad,
    Pool,
    Reduce,
    /// The feed-forward style network of the real-time mode.
    StyleNet,
    Video,
    /// Winograd F(2x2 / 4x4, 3x3) convolution; its GEMM uses subgroup operations.
    Winograd,
}

impl Shader {
    pub const ALL: [Shader; 18] = [
        Shader::Adam,
        Shader::Calibration,
        Shader::Conv,
        Shader::ConvSubgroup,
        Shader::ConvTiled,
        Shader::Elementwise,
        Shader::Flow,
        Shader::Gram,
        Shader::GramSubgroup,
        Shader::Image,
        Shader::Lbfgs,
        Shader::Loss,
        Shader::Pad,
        Shader::Pool,
        Shader::Reduce,
        Shader::StyleNet,
        Shader::Video,
        Shader::Winograd,
    ];

    /// The module's full source: the shared prelude `shaders/common.wgsl` (workgroup size, flat
    /// index), then the family's file(s).
    pub fn source(self) -> &'static str {
        macro_rules! wgsl {
            ($($file:literal),+) => {
                concat!(include_str!("../../shaders/common.wgsl"), $(include_str!(concat!("../../shaders/", $file))),+)
            };
        }
        match self {
            Shader::Adam => wgsl!("adam.wgsl"),
            Shader::Calibration => wgsl!("calibration.wgsl"),
            Shader::Conv => wgsl!("conv.wgsl"),
            Shader::ConvSubgroup => wgsl!("conv.wgsl", "conv_subgroup.wgsl"),
            Shader::ConvTiled => wgsl!("conv.wgsl", "conv_tiled.wgsl"),
            Shader::Elementwise => wgsl!("elementwise.wgsl"),
            Shader::Flow => wgsl!("flow.wgsl"),
            Shader::Gram => wgsl!("gram.wgsl"),
            Shader::GramSubgroup => wgsl!("gram.wgsl", "gram_subgroup.wgsl"),
            Shader::Image => wgsl!("image.wgsl"),
            Shader::Lbfgs => wgsl!("lbfgs.wgsl"),
            Shader::Loss => wgsl!("loss.wgsl"),
            Shader::Pad => wgsl!("pad.wgsl"),
            Shader::Pool => wgsl!("pool.wgsl"),
            Shader::Reduce => wgsl!("reduce.wgsl"),
            Shader::StyleNet => wgsl!("stylenet.wgsl"),
            Shader::Video => wgsl!("video.wgsl"),
            Shader::Winograd => wgsl!("winograd.wgsl"),
        }
    }

    /// The files in `shaders/` this module is made of (after the prelude).
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Shader::Adam => &["adam.wgsl"],
            Shader::Calibration => &["calibration.wgsl"],
            Shader::Conv => &["conv.wgsl"],
            Shader::ConvSubgroup => &["conv.wgsl", "conv_subgroup.wgsl"],
            Shader::ConvTiled => &["conv.wgsl", "conv_tiled.wgsl"],
            Shader::Elementwise => &["elementwise.wgsl"],
            Shader::Flow => &["flow.wgsl"],
            Shader::Gram => &["gram.wgsl"],
            Shader::GramSubgroup => &["gram.wgsl", "gram_subgroup.wgsl"],
            Shader::Image => &["image.wgsl"],
            Shader::Lbfgs => &["lbfgs.wgsl"],
            Shader::Loss => &["loss.wgsl"],
            Shader::Pad => &["pad.wgsl"],
            Shader::Pool => &["pool.wgsl"],
            Shader::Reduce => &["reduce.wgsl"],
            Shader::StyleNet => &["stylenet.wgsl"],
            Shader::Video => &["video.wgsl"],
            Shader::Winograd => &["winograd.wgsl"],
        }
    }

    /// True when the module uses subgroup operations (compile it only where they exist).
    pub fn needs_subgroups(self) -> bool {
        matches!(self, Shader::ConvSubgroup | Shader::GramSubgroup | Shader::Winograd)
    }
}

/// How a kernel sees a bound buffer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Access {
    Uniform,
    Read,
    ReadWrite,
}

/// One binding of group 0: its number, the WGSL variable's name and how it is accessed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Binding {
    pub slot: u32,
    pub name: &'static str,
    pub access: Access,
}

pub const fn uniform(slot: u32, name: &'static str) -> Binding {
    Binding { slot, name, access: Access::Uniform }
}

pub const fn read(slot: u32, name: &'static str) -> Binding {
    Binding { slot, name, access: Access::Read }
}

pub const fn read_write(slot: u32, name: &'static str) -> Binding {
    Binding { slot, name, access: Access::ReadWrite }
}

/// The uniform parameter block every kernel reads: `var<uniform> p: Params` at binding 0.
pub const PARAMS: Binding = uniform(0, "p");

/// A compute kernel: shader, entry point, workgroup size (threads of a 1-D launch per group) and
/// its buffers after the parameters, in the order a launch passes them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Kernel {
    pub shader: Shader,
    pub entry: &'static str,
    pub workgroup: u32,
    pub buffers: &'static [Binding],
    /// Values of the shader's `override` constants for this kernel (e.g. tile sizes); one entry
    /// point may be declared several times with different constants.
    pub constants: &'static [(&'static str, u32)],
}

impl Kernel {
    /// A kernel with the prelude's workgroup size [`super::WG`].
    pub const fn new(shader: Shader, entry: &'static str, buffers: &'static [Binding]) -> Kernel {
        Kernel { shader, entry, workgroup: super::WG, buffers, constants: &[] }
    }

    pub const fn with_constants(self, constants: &'static [(&'static str, u32)]) -> Kernel {
        Kernel { constants, ..self }
    }

    pub const fn with_workgroup(self, workgroup: u32) -> Kernel {
        Kernel { workgroup, ..self }
    }

    /// Every binding of the layout: the parameters, then the buffers.
    pub fn bindings(&self) -> impl Iterator<Item = Binding> + '_ {
        std::iter::once(PARAMS).chain(self.buffers.iter().copied())
    }
}
