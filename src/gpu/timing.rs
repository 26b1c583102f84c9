//! Timing a recorded plan: GPU timestamps around the command buffer where the adapter has them,
//! host wall clock after a full wait otherwise. Used by the benchmark and the kernel autotuner.
use std::time::Instant;

use super::{Gpu, Plan};
use crate::error::Result;

/// How the benchmark times: GPU timestamps around each command buffer where the adapter
/// supports them, else host wall-clock after a full wait.
pub fn timing_method(gpu: &Gpu) -> &'static str {
    if gpu.has_timestamps() {
        "GPU timestamps around the command buffer"
    } else {
        "host wall clock after a full wait"
    }
}

/// One run of `plan` timed by GPU timestamps (ms).
fn gpu_time(gpu: &Gpu, plan: &Plan) -> Result<f64> {
    let qs = gpu.device.create_query_set(&wgpu::QuerySetDescriptor {
        label: Some("bench"),
        ty: wgpu::QueryType::Timestamp,
        count: 2,
    });
    let resolve = gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("timestamps"),
        size: 16,
        usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let mut enc = gpu.device.create_command_encoder(&Default::default());
    enc.write_timestamp(&qs, 0);
    plan.encode(&mut enc);
    enc.write_timestamp(&qs, 1);
    enc.resolve_query_set(&qs, 0..2, &resolve, 0);
    gpu.queue.submit([enc.finish()]);
    let words = crate::gpu::read_words(gpu, &resolve, 4)?;
    let (t0, t1) = (words[0] as u64 | (words[1] as u64) << 32, words[2] as u64 | (words[3] as u64) << 32);
    Ok(t1.saturating_sub(t0) as f64 * gpu.queue.get_timestamp_period() as f64 / 1e6)
}

/// Median time (ms) of `plan`, after `warmup` untimed runs, over `reps` runs (see [`timing_method`]).
pub fn time_plan(gpu: &Gpu, plan: &Plan, warmup: usize, reps: usize) -> Result<f64> {
    for _ in 0..warmup {
        plan.run(gpu)?;
    }
    let mut t = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        if gpu.has_timestamps() {
            t.push(gpu_time(gpu, plan)?);
        } else {
            let s = Instant::now();
            plan.run(gpu)?;
            t.push(s.elapsed().as_secs_f64() * 1e3);
        }
    }
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Ok(t[t.len() / 2])
}
