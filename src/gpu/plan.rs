use std::sync::Arc;

use super::context::Compiled;
use super::params::ShaderParams;
use super::shaders::Kernel;
use super::Gpu;
use wgpu::util::DeviceExt;

enum Step {
    Dispatch { compiled: Arc<Compiled>, bind_group: wgpu::BindGroup, groups: [u32; 3] },
    Copy { src: Arc<wgpu::Buffer>, dst: Arc<wgpu::Buffer>, bytes: u64 },
}

impl Step {
    /// The same step, its pipeline, bind group and buffers shared (wgpu handles are
    /// reference-counted), not rebuilt.
    fn share(&self) -> Step {
        match self {
            Step::Dispatch { compiled, bind_group, groups } => {
                Step::Dispatch { compiled: compiled.clone(), bind_group: bind_group.clone(), groups: *groups }
            }
            Step::Copy { src, dst, bytes } => Step::Copy { src: src.clone(), dst: dst.clone(), bytes: *bytes },
        }
    }
}

/// A recorded sequence of kernel launches. Bind groups and parameter buffers are made once when
/// a step is pushed; running the plan again only records a command buffer, so an optimisation
/// loop allocates nothing per iteration.
#[derive(Default)]
pub struct Plan {
    steps: Vec<Step>,
}

/// Workgroup counts covering `threads` invocations of a 1-D kernel with workgroups of `wg`,
/// folded into y past 65535 (the shaders' `flat_index` unfolds it).
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

    /// Add a launch of `kernel` on `groups` workgroups: `params` at binding 0, `buffers` at the
    /// kernel's declared bindings, in its declared order.
    pub fn dispatch<P: ShaderParams>(
        &mut self,
        gpu: &Gpu,
        kernel: &Kernel,
        params: &P,
        buffers: &[&wgpu::Buffer],
        groups: [u32; 3],
    ) {
        let whole: Vec<wgpu::BufferBinding> =
            buffers.iter().map(|b| wgpu::BufferBinding { buffer: b, offset: 0, size: None }).collect();
        self.dispatch_ranges(gpu, kernel, params, &whole, groups);
    }

    /// [`Plan::dispatch`] with each binding a range of a buffer (e.g. one block of a large
    /// uniform buffer of weights).
    pub fn dispatch_ranges<P: ShaderParams>(
        &mut self,
        gpu: &Gpu,
        kernel: &Kernel,
        params: &P,
        buffers: &[wgpu::BufferBinding],
        groups: [u32; 3],
    ) {
        assert_eq!(
            buffers.len(),
            kernel.buffers.len(),
            "{} takes {} buffers ({:?}), given {}",
            kernel.entry,
            kernel.buffers.len(),
            kernel.buffers.iter().map(|b| b.name).collect::<Vec<_>>(),
            buffers.len()
        );
        assert!(
            kernel.shader.files().contains(&P::SHADER.files()[0]),
            "{}: given the parameters of {:?}",
            kernel.entry,
            P::SHADER
        );
        let compiled = gpu.compiled(kernel);
        let mut bytes = bytemuck::bytes_of(params).to_vec();
        bytes.resize(bytes.len().div_ceil(16).max(1) * 16, 0); // uniform bindings in 16-byte units
        let uniform = gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(kernel.entry),
            contents: &bytes,
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let mut entries = vec![wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() }];
        for (b, buffer) in kernel.buffers.iter().zip(buffers) {
            entries.push(wgpu::BindGroupEntry {
                binding: b.slot,
                resource: wgpu::BindingResource::Buffer(buffer.clone()),
            });
        }
        let bind_group = gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(kernel.entry),
            layout: &compiled.layout,
            entries: &entries,
        });
        self.steps.push(Step::Dispatch { compiled, bind_group, groups });
    }

    /// [`Plan::dispatch`] with enough workgroups for `threads` invocations of a 1-D kernel.
    pub fn dispatch_1d<P: ShaderParams>(
        &mut self,
        gpu: &Gpu,
        kernel: &Kernel,
        params: &P,
        buffers: &[&wgpu::Buffer],
        threads: usize,
    ) {
        self.dispatch(gpu, kernel, params, buffers, groups_for(threads, kernel.workgroup as usize));
    }

    /// Add a buffer-to-buffer copy of `bytes` bytes.
    pub fn copy(&mut self, src: &Arc<wgpu::Buffer>, dst: &Arc<wgpu::Buffer>, bytes: u64) {
        self.steps.push(Step::Copy { src: src.clone(), dst: dst.clone(), bytes });
    }

    /// Append another plan's steps.
    pub fn extend(&mut self, other: Plan) {
        self.steps.extend(other.steps);
    }

    /// Each step's kernel entry point ("copy" for buffer copies), for profiles.
    pub fn step_names(&self) -> Vec<&'static str> {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Dispatch { compiled, .. } => compiled.kernel().entry,
                Step::Copy { .. } => "copy",
            })
            .collect()
    }

    /// One plan per step (for timing the steps of a recorded plan one by one).
    pub fn split_steps(&self) -> Vec<Plan> {
        self.steps.iter().map(|s| Plan { steps: vec![s.share()] }).collect()
    }

    /// Append clones of another plan's steps (the bind groups are shared, not rebuilt).
    pub fn encode_into(&self, other: &mut Plan) {
        other.steps.extend(self.steps.iter().map(Step::share));
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
                    let mut pass = encoder
                        .begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
                    while let Some(Step::Dispatch { compiled, bind_group, groups }) = self.steps.get(i) {
                        pass.set_pipeline(&compiled.pipeline);
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
