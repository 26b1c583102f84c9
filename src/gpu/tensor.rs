use std::sync::Arc;

use super::Gpu;
use crate::error::{Error, Result};

/// A dense f32 tensor on the GPU: one storage buffer and its shape (row-major, e.g. [C, H, W]).
#[derive(Clone)]
pub struct Tensor {
    pub buffer: Arc<wgpu::Buffer>,
    pub shape: Vec<usize>,
}

impl Tensor {
    /// A zero-filled tensor.
    pub fn zeros(gpu: &Gpu, shape: &[usize], label: &str) -> Result<Tensor> {
        let len: usize = shape.iter().product();
        let bytes = (len.max(1) * 4) as u64;
        gpu.check_buffer_size(label, bytes)?;
        let buffer = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Ok(Tensor { buffer: Arc::new(buffer), shape: shape.to_vec() })
    }

    /// A tensor holding `data` (its length must match the shape).
    pub fn from_slice(gpu: &Gpu, shape: &[usize], data: &[f32], label: &str) -> Result<Tensor> {
        let t = Tensor::zeros(gpu, shape, label)?;
        t.write(gpu, data)?;
        Ok(t)
    }

    /// The same buffer seen with another (not larger) shape: for scratch shared between
    /// tensors whose lifetimes do not overlap.
    pub fn view(&self, shape: &[usize]) -> Tensor {
        let len: usize = shape.iter().product();
        assert!(
            len as u64 * 4 <= self.buffer.size(),
            "a view of {shape:?} does not fit a buffer of {} bytes",
            self.buffer.size()
        );
        Tensor { buffer: self.buffer.clone(), shape: shape.to_vec() }
    }

    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Overwrite the contents (queued; ordered before later submissions).
    pub fn write(&self, gpu: &Gpu, data: &[f32]) -> Result<()> {
        if data.len() != self.len() {
            return Err(Error::Invalid(format!("tensor of shape {:?} given {} values", self.shape, data.len())));
        }
        if !data.is_empty() {
            gpu.queue.write_buffer(&self.buffer, 0, bytemuck::cast_slice(data));
        }
        Ok(())
    }

    /// Fill with NaN: tests poison outputs so a kernel that skips an element is caught.
    pub fn poison(&self, gpu: &Gpu) -> Result<()> {
        self.write(gpu, &vec![f32::NAN; self.len()])
    }

    /// Copy the contents back to the host (waits for all queued work).
    pub fn read(&self, gpu: &Gpu) -> Result<Vec<f32>> {
        let words = read_words(gpu, &self.buffer, self.len())?;
        Ok(bytemuck::cast_slice(&words).to_vec())
    }
}

/// Read the first `len` 32-bit words of any COPY_SRC buffer through a staging buffer (waits
/// for all queued work).
pub fn read_words(gpu: &Gpu, buffer: &wgpu::Buffer, len: usize) -> Result<Vec<u32>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let bytes = (len * 4) as u64;
    let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("readback"),
        size: bytes,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, bytes);
    gpu.queue.submit([encoder.finish()]);
    let slice = staging.slice(..);
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    gpu.wait()?;
    rx.recv()
        .map_err(|_| Error::Gpu("readback callback never ran".into()))?
        .map_err(|e| Error::Gpu(format!("mapping a readback buffer: {e}")))?;
    let view = slice.get_mapped_range().map_err(|e| Error::Gpu(format!("reading a mapped buffer: {e}")))?;
    let out = bytemuck::cast_slice(&view).to_vec();
    drop(view);
    staging.unmap();
    Ok(out)
}

impl Tensor {
    /// Overwrite with raw 32-bit words (packed pixels and other integer data).
    pub fn write_u32(&self, gpu: &Gpu, data: &[u32]) -> Result<()> {
        self.write(gpu, bytemuck::cast_slice(data))
    }

    /// Read back as raw 32-bit words.
    pub fn read_u32(&self, gpu: &Gpu) -> Result<Vec<u32>> {
        read_words(gpu, &self.buffer, self.len())
    }
}
