//! Kernel parameters: every WGSL `struct Params` has a `#[repr(C)]` twin in Rust, declared with
//! [`shader_params!`](crate::shader_params) beside the host functions that fill it. The twin is
//! the bytes bound at binding 0; `tests/seam.rs` checks its size and every field's name and
//! offset against the WGSL struct (naga reflection), so the two cannot drift apart.
use super::Shader;

/// A Rust twin of a shader's parameter struct.
pub trait ShaderParams: bytemuck::Pod {
    /// The module whose WGSL defines the struct (a kernel of any module that includes that file
    /// may take it).
    const SHADER: Shader;
    /// The struct's name in the WGSL.
    const WGSL_STRUCT: &'static str = "Params";
    /// (field name, byte offset) in declaration order; names starting with `_` are Rust-only
    /// padding (WGSL aligns vec4 members to 16 bytes by itself).
    const FIELDS: &'static [(&'static str, usize)];
}

/// What the seam test needs to know of one twin.
#[derive(Clone, Debug)]
pub struct ParamsLayout {
    pub rust_name: &'static str,
    pub shader: Shader,
    pub wgsl_struct: &'static str,
    pub size: usize,
    pub fields: &'static [(&'static str, usize)],
}

/// The layout of twin `P`.
pub fn layout_of<P: ShaderParams>() -> ParamsLayout {
    ParamsLayout {
        rust_name: std::any::type_name::<P>(),
        shader: P::SHADER,
        wgsl_struct: P::WGSL_STRUCT,
        size: std::mem::size_of::<P>(),
        fields: P::FIELDS,
    }
}

/// Declare the Rust twin of a WGSL parameter struct:
///
/// ```ignore
/// shader_params! {
///     /// `struct Params` of shaders/pool.wgsl.
///     pub struct PoolParams for Shader::Pool { c: u32, h: u32, w: u32, ho: u32, wo: u32 }
/// }
/// ```
/// Fields are public, `Default` is all zeros, so a launch names only what its entry point reads:
/// `PoolParams { c, h, w, ..Default::default() }`.
#[macro_export]
macro_rules! shader_params {
    ($(#[$m:meta])* pub struct $name:ident for $shader:path { $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)? }) => {
        $(#[$m])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
        pub struct $name { $($(#[$fm])* pub $f: $t),* }

        impl $crate::gpu::ShaderParams for $name {
            const SHADER: $crate::gpu::Shader = $shader;
            const FIELDS: &'static [(&'static str, usize)] =
                &[$((stringify!($f), ::std::mem::offset_of!($name, $f))),*];
        }
    };
}
