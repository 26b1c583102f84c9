fn main() {
    let gpu = paintflow::gpu::Gpu::new(None).unwrap();
    println!("{}", gpu.summary().name);
}
