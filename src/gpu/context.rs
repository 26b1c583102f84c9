use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::shaders::{Access, Kernel, Shader};
use crate::error::{Error, Result};

/// What identifies a pipeline: the module, the entry point and the override constants.
type PipelineKey = (Shader, &'static str, &'static [(&'static str, u32)]);

/// A compiled kernel: its pipeline and the bind-group layout a launch's bind group follows.
pub struct Compiled {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
    kernel: Kernel,
}

impl Compiled {
    /// The kernel this pipeline runs.
    pub fn kernel(&self) -> &Kernel {
        &self.kernel
    }
}

/// A headless wgpu device plus the pipeline cache. Cheap to share behind `&`.
pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub limits: wgpu::Limits,
    modules: Mutex<HashMap<Shader, Arc<wgpu::ShaderModule>>>,
    pipelines: Mutex<HashMap<PipelineKey, Arc<Compiled>>>,
    checked_shaders: bool,
    /// Scratch buffers shared by launches that never overlap (see [`Gpu::scratch`]).
    scratch: Mutex<HashMap<&'static str, Arc<wgpu::Buffer>>>,
    /// Measured kernel choices (see [`super::tune`]).
    tune: Mutex<super::tune::TuneCache>,
    /// The first validation error, out-of-memory or device loss wgpu reported (its default
    /// handler would panic); [`Gpu::wait`] turns it into an error.
    fault: Arc<Mutex<Option<String>>>,
}

/// What `paintflow info` prints about an adapter.
pub struct AdapterSummary {
    pub name: String,
    pub backend: String,
    pub device_type: String,
    pub driver: String,
}

fn summarize(info: &wgpu::AdapterInfo) -> AdapterSummary {
    AdapterSummary {
        name: info.name.clone(),
        backend: format!("{:?}", info.backend),
        device_type: format!("{:?}", info.device_type),
        driver: format!("{} {}", info.driver, info.driver_info).trim().to_string(),
    }
}

impl Gpu {
    /// Create a device on the best adapter. `adapter_name` (or the environment variable
    /// `WGPU_ADAPTER_NAME`) picks by case-insensitive substring; `WGPU_BACKEND` limits backends.
    pub fn new(adapter_name: Option<&str>) -> Result<Gpu> {
        pollster::block_on(Self::new_async(adapter_name))
    }

    async fn new_async(adapter_name: Option<&str>) -> Result<Gpu> {
        // Mesa's device-select layer probes Wayland/X11 and prints errors on headless machines;
        // we choose the adapter ourselves, so it has nothing to add.
        if std::env::var_os("NODEVICE_SELECT").is_none() {
            std::env::set_var("NODEVICE_SELECT", "1");
        }
        // Vulkan, Metal and DX12 unless WGPU_BACKEND says otherwise (GL has no storage-buffer
        // guarantees worth relying on and probes window systems on headless machines).
        let backends = match std::env::var("WGPU_BACKEND") {
            Err(_) => wgpu::Backends::PRIMARY,
            Ok(v) => {
                const KNOWN: [&str; 11] =
                    ["vulkan", "vk", "dx12", "d3d12", "metal", "mtl", "opengl", "gles", "gl", "webgpu", "noop"];
                if let Some(bad) = v.to_lowercase().split(',').map(str::trim).find(|b| !KNOWN.contains(b)) {
                    return Err(Error::Invalid(format!(
                        "WGPU_BACKEND={v}: unknown backend '{bad}'; expected a comma list of vulkan, metal, dx12, gl"
                    )));
                }
                wgpu::Backends::from_comma_list(&v)
            }
        };
        let mut desc = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
        desc.backends = backends;
        let instance = wgpu::Instance::new(desc);
        let wanted = adapter_name
            .map(str::to_string)
            .or_else(|| std::env::var("WGPU_ADAPTER_NAME").ok())
            .map(|s| s.to_lowercase());
        let adapters = instance.enumerate_adapters(backends).await;
        let names: Vec<String> = adapters.iter().map(|a| a.get_info().name).collect();
        let adapter = match &wanted {
            Some(w) => adapters
                .into_iter()
                .find(|a| a.get_info().name.to_lowercase().contains(w.as_str()))
                .ok_or_else(|| Error::NoAdapter {
                    detail: format!(
                        " named like '{w}' (available: {})",
                        if names.is_empty() { "none".into() } else { names.join(", ") }
                    ),
                })?,
            None => {
                // Prefer a discrete GPU, then integrated, then anything (CPU drivers last).
                let rank = |a: &wgpu::Adapter| match a.get_info().device_type {
                    wgpu::DeviceType::DiscreteGpu => 0,
                    wgpu::DeviceType::IntegratedGpu => 1,
                    wgpu::DeviceType::VirtualGpu => 2,
                    wgpu::DeviceType::Other => 3,
                    wgpu::DeviceType::Cpu => 4,
                };
                let mut adapters = adapters;
                adapters.sort_by_key(|a| (a.get_info().backend == wgpu::Backend::Gl, rank(a)));
                adapters.into_iter().next().ok_or_else(|| Error::NoAdapter { detail: String::new() })?
            }
        };
        let info = adapter.get_info();
        // Ask for everything the adapter offers: wgpu's defaults cap storage buffers at 128 MiB.
        let limits = adapter.limits();
        // Timestamps (for the benchmark) and subgroup operations (a faster convolution on CPU
        // drivers) when the adapter has them; nothing else is required.
        let features = adapter.features()
            & (wgpu::Features::TIMESTAMP_QUERY
                | wgpu::Features::TIMESTAMP_QUERY_INSIDE_ENCODERS
                | wgpu::Features::SUBGROUP);
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("paintflow"),
                required_features: features,
                required_limits: limits.clone(),
                experimental_features: wgpu::ExperimentalFeatures::disabled(),
                memory_hints: wgpu::MemoryHints::Performance,
                trace: wgpu::Trace::Off,
            })
            .await
            .map_err(|source| Error::Device { adapter: info.name.clone(), source })?;
        let checked_shaders = match std::env::var("PAINTFLOW_CHECKED_SHADERS").as_deref() {
            Err(_) | Ok("0") => false,
            Ok("1") => true,
            Ok(v) => return Err(Error::Invalid(format!("PAINTFLOW_CHECKED_SHADERS={v}: expected 0 or 1"))),
        };
        let tune = Mutex::new(super::tune::TuneCache::new(super::tune::Autotune::from_env()?, &info));
        // wgpu's default handlers panic; keep the first fault and report it at the next wait
        let fault: Arc<Mutex<Option<String>>> = Arc::default();
        let keep = fault.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            keep.lock().unwrap().get_or_insert_with(|| format!("GPU error: {e}"));
        }));
        let keep = fault.clone();
        device.set_device_lost_callback(move |reason, msg| {
            if reason != wgpu::DeviceLostReason::Destroyed {
                keep.lock().unwrap().get_or_insert_with(|| format!("the GPU device was lost ({reason:?}): {msg}"));
            }
        });
        Ok(Gpu {
            device,
            queue,
            info,
            limits,
            modules: Mutex::new(HashMap::new()),
            pipelines: Mutex::new(HashMap::new()),
            checked_shaders,
            scratch: Mutex::new(HashMap::new()),
            tune,
            fault,
        })
    }

    pub fn summary(&self) -> AdapterSummary {
        summarize(&self.info)
    }

    /// True on a CPU driver (lavapipe, SwiftShader, WARP): kernels pick barrier-free variants there.
    pub fn is_cpu(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// The shader module of `shader`, compiled once.
    fn module(&self, shader: Shader) -> Arc<wgpu::ShaderModule> {
        let mut cache = self.modules.lock().unwrap();
        cache
            .entry(shader)
            .or_insert_with(|| {
                let desc = wgpu::ShaderModuleDescriptor {
                    label: Some(shader.files()[shader.files().len() - 1]),
                    source: wgpu::ShaderSource::Wgsl(shader.source().into()),
                };
                Arc::new(if self.checked_shaders {
                    self.device.create_shader_module(desc)
                } else {
                    // SAFETY: every kernel guards its own indices against the sizes it is given
                    // (tests run each one on awkward shapes with NaN-poisoned outputs), and all
                    // loops are bounded by uniform parameters. Naga's injected bounds checks,
                    // loop counters and division checks otherwise cost a factor of several on
                    // CPU drivers. PAINTFLOW_CHECKED_SHADERS=1 turns them back on.
                    unsafe { self.device.create_shader_module_trusted(desc, wgpu::ShaderRuntimeChecks::unchecked()) }
                })
            })
            .clone()
    }

    /// The pipeline of `kernel`, compiled once per (shader, entry point), with the bind-group
    /// layout its declaration gives (not one derived from the shader).
    pub fn compiled(&self, kernel: &Kernel) -> Arc<Compiled> {
        let key = (kernel.shader, kernel.entry, kernel.constants);
        if let Some(c) = self.pipelines.lock().unwrap().get(&key) {
            assert_eq!(
                &c.kernel,
                kernel,
                "two declarations of kernel {}::{} disagree",
                kernel.shader.files()[0],
                kernel.entry
            );
            return c.clone();
        }
        let module = self.module(kernel.shader);
        let constants: Vec<(&str, f64)> = kernel.constants.iter().map(|&(k, v)| (k, v as f64)).collect();
        let entries: Vec<wgpu::BindGroupLayoutEntry> = kernel
            .bindings()
            .map(|b| wgpu::BindGroupLayoutEntry {
                binding: b.slot,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: wgpu::BindingType::Buffer {
                    ty: match b.access {
                        Access::Uniform => wgpu::BufferBindingType::Uniform,
                        Access::Read => wgpu::BufferBindingType::Storage { read_only: true },
                        Access::ReadWrite => wgpu::BufferBindingType::Storage { read_only: false },
                    },
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            })
            .collect();
        let layout = self.device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(kernel.entry),
            entries: &entries,
        });
        let pipeline_layout = self.device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(kernel.entry),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = self.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(kernel.entry),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some(kernel.entry),
            compilation_options: wgpu::PipelineCompilationOptions {
                constants: &constants,
                // Every kernel that uses workgroup memory writes each element before reading it
                // (conv_tiled.wgsl says how), so WebGPU's zero-initialisation would be wasted work.
                zero_initialize_workgroup_memory: false,
            },
            cache: None,
        });
        let compiled = Arc::new(Compiled { pipeline, layout, kernel: *kernel });
        self.pipelines.lock().unwrap().insert(key, compiled.clone());
        compiled
    }

    /// Fail with a clear message when a buffer of `bytes` would exceed the device's limits.
    pub fn check_buffer_size(&self, what: &str, bytes: u64) -> Result<()> {
        let (limit, max) = if bytes > self.limits.max_storage_buffer_binding_size {
            ("max_storage_buffer_binding_size", self.limits.max_storage_buffer_binding_size)
        } else if bytes > self.limits.max_buffer_size {
            ("max_buffer_size", self.limits.max_buffer_size)
        } else {
            return Ok(());
        };
        let scale = (max as f64 / bytes as f64).sqrt();
        Err(Error::TooLarge {
            what: what.to_string(),
            needed: bytes,
            limit,
            max,
            hint: format!(
                "try a size about {:.0}% of the current one (e.g. a smaller --size)",
                (scale * 95.0).floor().max(1.0)
            ),
        })
    }

    /// True when shaders may use subgroup operations on subgroups of at least 8 invocations
    /// (the `conv3x3_ubo_sg` kernel shares 8 loaded weights across a subgroup).
    pub fn has_subgroups_of_8(&self) -> bool {
        self.device.features().contains(wgpu::Features::SUBGROUP) && self.info.subgroup_min_size >= 8
    }

    /// The measured choice for `what` on this adapter (cached), or `measure()`'s; None when
    /// autotuning is off or nothing could be measured.
    pub fn tuned(&self, what: &str, measure: impl FnOnce() -> Option<String>) -> Option<String> {
        // measuring runs kernels, which may consult the cache for other shapes: no lock held
        {
            let mut t = self.tune.lock().unwrap();
            if t.mode == super::tune::Autotune::Off {
                return None;
            }
            if let Some(v) = t.get_or_measure(what, || None) {
                return Some(v);
            }
        }
        let v = measure()?;
        self.tune.lock().unwrap().get_or_measure(what, || Some(v))
    }

    /// A storage buffer of at least `bytes` bytes for scratch data named `what`, shared by every
    /// launch that asks for the same name: the GPU runs launches one after another, and a kernel
    /// family uses its scratch only within one sequence of launches (the Winograd transforms of
    /// one convolution). A larger request replaces the shared buffer; plans recorded earlier keep
    /// the one they bound.
    pub fn scratch(&self, what: &'static str, bytes: u64) -> Result<Arc<wgpu::Buffer>> {
        let mut s = self.scratch.lock().unwrap();
        if let Some(b) = s.get(what).filter(|b| b.size() >= bytes) {
            return Ok(b.clone());
        }
        self.check_buffer_size(what, bytes)?;
        let b = Arc::new(self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(what),
            size: bytes.max(4),
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        }));
        s.insert(what, b.clone());
        Ok(b)
    }

    /// Bytes held by the shared scratch buffers (counted once however many plans bind them).
    pub fn scratch_bytes(&self) -> u64 {
        self.scratch.lock().unwrap().values().map(|b| b.size()).sum()
    }

    /// How kernel choices are measured and where they are cached, and this adapter's cached
    /// choices.
    pub fn tune_report(&self) -> (super::tune::Autotune, Option<std::path::PathBuf>, Vec<(String, String)>) {
        let mut t = self.tune.lock().unwrap();
        (t.mode, t.path.clone(), t.choices())
    }

    /// True when GPU timestamps can bracket a whole command buffer.
    pub fn has_timestamps(&self) -> bool {
        self.device
            .features()
            .contains(wgpu::Features::TIMESTAMP_QUERY | wgpu::Features::TIMESTAMP_QUERY_INSIDE_ENCODERS)
    }

    /// Block until all submitted work is done; an error wgpu reported since (validation, out of
    /// memory, device lost) comes back here as an error.
    pub fn wait(&self) -> Result<()> {
        let polled = self.device.poll(wgpu::PollType::wait_indefinitely());
        if let Some(fault) = self.fault.lock().unwrap().clone() {
            return Err(Error::Gpu(fault));
        }
        polled.map(|_| ()).map_err(|e| Error::Gpu(format!("waiting for the device: {e}")))
    }
}
