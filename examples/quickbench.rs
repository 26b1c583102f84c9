fn main() {
    let gpu = paintflow::gpu::Gpu::new(None).unwrap();
    use paintflow::bench::*;
    let p = peak_fma(&gpu).unwrap();
    println!("{} {:.1} GFLOP/s", p.name, p.gflops());
    let c = copy_bandwidth(&gpu).unwrap();
    println!("{} {:.1} GB/s", c.name, c.gbs());
    for r in conv_rows(&gpu, "conv3_2", 256, 256, 64, 64, 3).unwrap().into_iter()
        .chain(gram_rows(&gpu, 64, 128, 128, 3).unwrap())
        .chain(pool_rows(&gpu, 64, 128, 128, 3).unwrap())
        .chain([adam_row(&gpu, 256, 256, 3).unwrap()]) {
        println!("{:<16} {:<18} {:8.2} ms {:7.2} GFLOP/s {:6.2} GB/s", r.name, r.shape, r.ms, r.gflops(), r.gbs());
    }
}
