use std::sync::Arc;

use super::{Gpu, WG};
use wgpu::util::DeviceExt;

/// Kernel parameters: a flat list of 32-bit words matching the shader's `Params` struct
/// (every field u32, i32 or f32, in declaration order).
#[derive(Default, Clone)]
pub struct Params(pub Vec<u32>);

impl Params {
    pub fn new() -> Self {
        Params(Vec::new())
    }
    pub fn u(mut self, v: impl TryInto<u32>) -> Self {
        self.0.push(v.try_into().ok().expect("kernel parameter does not fit in u32"));
        self
    }
    pub fn i(mut self, v: i32) -> Self {
        self.0.push(v as u32);
        self
    }
    pub fn f(mut self, v: f32) -> Self {
        self.0.push(v.to_bits());
        self
    }
}

enum Step {
    Dispatch { pipeline: Arc<wgpu::ComputePipeline>, bind_group: wgpu::BindGroup, groups: [u32; 3] },
    Copy { src: Arc<wgpu::Buffer>, dst: Arc<wgpu::Buffer>, bytes: u64 },
}

/// A recorded sequence of kernel launches. Bind groups and parameter buffers are made once when
/// a step is pushed; running the plan again only records a command buffer, so an optimisation
/// loop allocates nothing per iteration.
#[derive(Default)]
pub struct Plan {
    steps: Vec<Step>,
}

/// Workgroup counts covering `threads` invocations of a 1-D kernel, folded into y past 65535.
pub fn groups_1d(threads: usize) -> [u32; 3] {
    groups_for(threads, WG as usize)
}

/// Workgroup counts for `threads` invocations of a 1-D kernel with workgroups of `wg`.
pub fn groups_for(threads: usize, wg: usize) -> [u32; 3] {
    let total = threads.div_ceil(wg).max(1) as u32;
    if total <= 65535 {
        [total, 1, 1]
    } else {
        [65535, total.div_ceil(65535), 1]
    }
}

impl Plan {
    pub fn new() -> Self {
        Plan::default()
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Add a launch of `entry` from WGSL `source`. Binding 0 is a uniform holding `params`
    /// (left out when `params` is empty); bindings 1.. are `buffers` in order.
    #[allow(clippy::too_many_arguments)]
    pub fn dispatch(
        &mut self,
        gpu: &Gpu,
        module: &'static str,
        source: &'static str,
        entry: &'static str,
        params: Params,
        buffers: &[&wgpu::Buffer],
        groups: [u32; 3],
    ) {
        let bound: Vec<(u32, &wgpu::Buffer)> = buffers.iter().enumerate().map(|(i, b)| (i as u32 + 1, *b)).collect();
        self.dispatch_at(gpu, module, source, entry, params, &bound, groups);
    }

    /// Like [`Plan::dispatch`] with explicit binding numbers, for entry points that use only some
    /// of their module's bindings.
    #[allow(clippy::too_many_arguments)]
    pub fn dispatch_at(
        &mut self,
        gpu: &Gpu,
        module: &'static str,
        source: &'static str,
        entry: &'static str,
        params: Params,
        buffers: &[(u32, &wgpu::Buffer)],
        groups: [u32; 3],
    ) {
        let bound: Vec<(u32, wgpu::BindingResource)> = buffers.iter().map(|(i, b)| (*i, b.as_entire_binding())).collect();
        self.dispatch_resources(gpu, module, source, entry, params, bound, groups);
    }

    /// The general form: any binding resources (e.g. a range of a uniform buffer).
    #[allow(clippy::too_many_arguments)]
    pub fn dispatch_resources(
        &mut self,
        gpu: &Gpu,
        module: &'static str,
        source: &'static str,
        entry: &'static str,
        params: Params,
        resources: Vec<(u32, wgpu::BindingResource)>,
        groups: [u32; 3],
    ) {
        let pipeline = gpu.pipeline(module, source, entry);
        let uniform = (!params.0.is_empty()).then(|| {
            let mut words = params.0.clone();
            words.resize(words.len().div_ceil(4) * 4, 0); // uniform structs round up to 16 bytes
            gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(entry),
                contents: bytemuck::cast_slice(&words),
                usage: wgpu::BufferUsages::UNIFORM,
            })
        });
        let mut entries = Vec::new();
        if let Some(u) = &uniform {
            entries.push(wgpu::BindGroupEntry { binding: 0, resource: u.as_entire_binding() });
        }
        for (binding, resource) in resources {
            entries.push(wgpu::BindGroupEntry { binding, resource });
        }
        let bind_group =
            gpu.device.create_bind_group(&wgpu::BindGroupDescriptor { label: Some(entry), layout: &pipeline.get_bind_group_layout(0), entries: &entries });
        self.steps.push(Step::Dispatch { pipeline, bind_group, groups });
    }

    /// Like [`Plan::dispatch`] with enough workgroups for `threads` invocations of a 1-D kernel.
    #[allow(clippy::too_many_arguments)]
    pub fn dispatch_1d(
        &mut self,
        gpu: &Gpu,
        module: &'static str,
        source: &'static str,
        entry: &'static str,
        params: Params,
        buffers: &[&wgpu::Buffer],
        threads: usize,
    ) {
        self.dispatch(gpu, module, source, entry, params, buffers, groups_1d(threads));
    }

    /// Add a buffer-to-buffer copy of `bytes` bytes.
    pub fn copy(&mut self, src: &Arc<wgpu::Buffer>, dst: &Arc<wgpu::Buffer>, bytes: u64) {
        self.steps.push(Step::Copy { src: src.clone(), dst: dst.clone(), bytes });
    }

    /// Append another plan's steps.
    pub fn extend(&mut self, other: Plan) {
        self.steps.extend(other.steps);
    }

    /// Append clones of another plan's steps (the bind groups are shared, not rebuilt).
    pub fn encode_into(&self, other: &mut Plan) {
        for s in &self.steps {
            other.steps.push(match s {
                Step::Dispatch { pipeline, bind_group, groups } => {
                    Step::Dispatch { pipeline: pipeline.clone(), bind_group: bind_group.clone(), groups: *groups }
                }
                Step::Copy { src, dst, bytes } => Step::Copy { src: src.clone(), dst: dst.clone(), bytes: *bytes },
            });
        }
    }

    /// Record every step into `encoder`, consecutive launches sharing one compute pass.
    pub fn encode(&self, encoder: &mut wgpu::CommandEncoder) {
        let mut i = 0;
        while i < self.steps.len() {
            match &self.steps[i] {
                Step::Copy { src, dst, bytes } => {
                    encoder.copy_buffer_to_buffer(src, 0, dst, 0, *bytes);
                    i += 1;
                }
                Step::Dispatch { .. } => {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
                    while let Some(Step::Dispatch { pipeline, bind_group, groups }) = self.steps.get(i) {
                        pass.set_pipeline(pipeline);
                        pass.set_bind_group(0, bind_group, &[]);
                        pass.dispatch_workgroups(groups[0], groups[1], groups[2]);
                        i += 1;
                    }
                }
            }
        }
    }

    /// Submit the plan as one command buffer (does not wait).
    pub fn submit(&self, gpu: &Gpu) {
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        self.encode(&mut encoder);
        gpu.queue.submit([encoder.finish()]);
    }

    /// Submit and wait for completion.
    pub fn run(&self, gpu: &Gpu) -> crate::Result<()> {
        self.submit(gpu);
        gpu.wait()
    }
}
