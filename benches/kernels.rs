//! `cargo bench`: the same suite as `paintflow bench` at 256 px (PAINTFLOW_BENCH_SIZE to change).
use paintflow::gpu::Gpu;
use paintflow::ops::pool::Pool;
use paintflow::vgg::{default_weights_path, Vgg, VggWeights, LAYERS};

fn main() {
    let size = std::env::var("PAINTFLOW_BENCH_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(256);
    let gpu = match Gpu::new(None) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let weights = VggWeights::load(&default_weights_path().expect("weights"), LAYERS.len()).expect("weights");
    let vgg = Vgg::new(&gpu, &weights, Pool::Max).expect("vgg");
    let suite = paintflow::bench::Suite {
        size,
        kernels: true,
        iteration_sizes: vec![size],
        iteration_profile: false,
        network_sizes: vec![(size, size)],
        network_profile: false,
        reps: 5,
    };
    let (rows, peak, notes) =
        paintflow::bench::run_suite(&gpu, Some(&vgg), &suite, |w| eprintln!("  {w} ...")).expect("benchmark");
    println!("adapter: {}\n", gpu.info.name);
    println!("{}", paintflow::bench::table(&rows, peak));
    for n in notes {
        println!("{n}");
    }
}
