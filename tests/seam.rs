//! The seam between Rust and WGSL, checked by reflecting every shader with naga (the WGSL front
//! end inside wgpu): each declared kernel names a real entry point with the workgroup size it
//! declares, its bindings match the WGSL variables' numbers, names and access, every buffer
//! the entry point uses is declared, and every entry point has a declaration. No GPU needed.
use std::collections::HashMap;

use paintflow::gpu::shaders::{Access, Kernel, Shader};
use wgpu::naga;

struct Reflected {
    module: naga::Module,
    info: naga::valid::ModuleInfo,
}

fn reflect(shader: Shader) -> Reflected {
    let module = naga::front::wgsl::parse_str(shader.source())
        .unwrap_or_else(|e| panic!("{:?} does not parse:\n{}", shader, e.emit_to_string(shader.source())));
    let info = naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::all())
        .validate(&module)
        .unwrap_or_else(|e| panic!("{shader:?} does not validate: {e:?}"));
    Reflected { module, info }
}

fn all_reflected() -> HashMap<Shader, Reflected> {
    Shader::ALL.iter().map(|&s| (s, reflect(s))).collect()
}

fn access_of(space: naga::AddressSpace) -> Option<Access> {
    match space {
        naga::AddressSpace::Uniform => Some(Access::Uniform),
        naga::AddressSpace::Storage { access } if access.contains(naga::StorageAccess::STORE) => {
            Some(Access::ReadWrite)
        }
        naga::AddressSpace::Storage { .. } => Some(Access::Read),
        _ => None,
    }
}

#[test]
fn every_kernel_declaration_matches_its_wgsl() {
    let shaders = all_reflected();
    let kernels = paintflow::ops::all_kernels();
    for k in &kernels {
        let r = &shaders[&k.shader];
        let what = format!("{:?}::{}", k.shader, k.entry);
        let (index, ep) = r
            .module
            .entry_points
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == k.entry)
            .unwrap_or_else(|| panic!("{what}: no such entry point in {:?}", k.shader.files()));
        assert_eq!(ep.stage, naga::ShaderStage::Compute, "{what}: not a compute entry point");
        // the workgroup size once the kernel's override constants are applied
        let constants: naga::back::PipelineConstants =
            k.constants.iter().map(|&(n, v)| (n.to_string(), v as f64)).collect();
        let (resolved, _) = naga::back::pipeline_constants::process_overrides(
            &r.module,
            &r.info,
            Some((naga::ShaderStage::Compute, k.entry)),
            &constants,
        )
        .unwrap_or_else(|e| panic!("{what}: its constants {:?} do not apply: {e:?}", k.constants));
        let size = resolved.entry_points.iter().find(|e| e.name == k.entry).unwrap().workgroup_size;
        assert_eq!(size, [k.workgroup, 1, 1], "{what}: workgroup size in the WGSL vs the declaration");
        let uses = r.info.get_entry_point(index);
        for (handle, var) in r.module.global_variables.iter() {
            let Some(rb) = &var.binding else { continue };
            let name = var.name.as_deref().unwrap_or("?");
            let declared = k.bindings().find(|b| b.slot == rb.binding);
            if !uses[handle].is_empty() {
                assert_eq!(rb.group, 0, "{what}: `{name}` is not in group 0");
                let b = declared
                    .unwrap_or_else(|| panic!("{what} uses `{name}` (binding {}) but does not declare it", rb.binding));
                assert_eq!(b.name, name, "{what}: binding {} is `{name}` in the WGSL", rb.binding);
            }
            if let Some(b) = declared {
                if b.name == name {
                    assert_eq!(Some(b.access), access_of(var.space), "{what}: access of `{name}`");
                }
            }
        }
        for b in k.bindings() {
            let found = r.module.global_variables.iter().any(|(_, v)| {
                v.name.as_deref() == Some(b.name)
                    && v.binding.as_ref().is_some_and(|rb| rb.group == 0 && rb.binding == b.slot)
            });
            assert!(found, "{what}: declares `{}` at binding {}, which the WGSL does not have", b.name, b.slot);
        }
    }
    // Every entry point of every shader is launched through a declaration (an entry point of
    // conv.wgsl under the module that is conv.wgsl alone), once per set of override constants.
    for (&s, r) in &shaders {
        for ep in &r.module.entry_points {
            let files = s.files();
            let decls: Vec<&Kernel> = kernels
                .iter()
                .filter(|k| k.entry == ep.name && k.shader.files().iter().all(|f| files.contains(f)))
                .collect();
            assert!(!decls.is_empty(), "{s:?}::{} has no kernel declaration", ep.name);
            let mut constants: Vec<_> = decls.iter().map(|k| k.constants).collect();
            constants.dedup();
            assert_eq!(constants.len(), decls.len(), "{s:?}::{} is declared twice with the same constants", ep.name);
        }
    }
}

/// (name, offset) of every member of struct `name` in `module`, and the struct's size.
fn wgsl_struct(module: &naga::Module, name: &str) -> Option<(Vec<(String, usize)>, usize)> {
    module.types.iter().find_map(|(_, t)| match (&t.name, &t.inner) {
        (Some(n), naga::TypeInner::Struct { members, span }) if n == name => Some((
            members.iter().map(|m| (m.name.clone().unwrap_or_default(), m.offset as usize)).collect(),
            *span as usize,
        )),
        _ => None,
    })
}

#[test]
fn every_params_twin_matches_its_wgsl_struct() {
    let shaders = all_reflected();
    let twins = paintflow::ops::all_params();
    for t in &twins {
        let (members, span) = wgsl_struct(&shaders[&t.shader].module, t.wgsl_struct)
            .unwrap_or_else(|| panic!("{}: {:?} has no struct {}", t.rust_name, t.shader.files(), t.wgsl_struct));
        let rust: Vec<(String, usize)> =
            t.fields.iter().filter(|(n, _)| !n.starts_with('_')).map(|(n, o)| (n.to_string(), *o)).collect();
        assert_eq!(
            rust,
            members,
            "{} vs struct {} of {:?}: (field, offset)",
            t.rust_name,
            t.wgsl_struct,
            t.shader.files()
        );
        assert_eq!(t.size, span, "{}: size in Rust vs WGSL", t.rust_name);
    }
    // Every shader's parameter struct has a twin (a module that only appends to another, like
    // conv_subgroup.wgsl, shares its first file's).
    for s in Shader::ALL {
        let home = Shader::ALL.into_iter().find(|h| h.files() == [s.files()[0]]).unwrap();
        if wgsl_struct(&shaders[&s].module, "Params").is_some() {
            assert!(twins.iter().any(|t| t.shader == home), "{s:?}: struct Params has no Rust twin");
        }
    }
}

#[test]
fn every_shader_keeps_to_120_columns() {
    for s in Shader::ALL {
        for (i, line) in s.source().lines().enumerate() {
            let n = line.chars().count();
            assert!(n <= 120, "{s:?} ({:?} after the prelude), line {} of the module: {n} columns", s.files(), i + 1);
        }
    }
}

#[test]
fn kernel_declarations_are_consistent() {
    let kernels: Vec<Kernel> = paintflow::ops::all_kernels();
    for k in &kernels {
        let mut slots: Vec<u32> = k.bindings().map(|b| b.slot).collect();
        slots.sort();
        slots.dedup();
        assert_eq!(slots.len(), k.bindings().count(), "{:?}::{} declares a binding twice", k.shader, k.entry);
    }
}
