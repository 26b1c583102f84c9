//! The real-time mode's feed-forward network against onnxruntime's tensors
//! (tests/data/multistyle26_golden_128x96.safetensors): layer by layer within 1e-4, the output
//! within 1/255; a one-hot blend is that style and a 50/50 blend matches the golden blend case.
mod common;

use common::{gpu, rel_err};
use paintflow::stylenet::{Blend, StyleNet, StyleNetPass, StyleNetWeights, LAYERS, STYLES};
use paintflow::weights::TensorFile;

fn golden() -> TensorFile {
    TensorFile::open(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/multistyle26_golden_128x96.safetensors"),
    )
    .unwrap()
}

fn layer(name: &str) -> usize {
    LAYERS.iter().position(|l| l.name == name).unwrap()
}

#[test]
fn network_matches_onnxruntime_layer_by_layer() {
    let g = gpu();
    let gold = golden();
    let get = |n: &str| gold.get(n, None).unwrap().1;
    let weights = StyleNetWeights::load(&paintflow::stylenet::default_path().unwrap()).unwrap();
    for (case, blend) in [("style19", Blend::one(19)), ("blend_3_19", Blend::parse("3:0.5,19:0.5").unwrap())] {
        let want_w = get(&format!("{case}.style_weights"));
        let got_w = blend.weights();
        assert!(want_w.iter().zip(&got_w).all(|(a, b)| (a - b).abs() < 1e-6), "{case}: blend weights {got_w:?}");
        let net = StyleNet::new(g, StyleNetWeights { layers: weights.layers.clone() }, &blend).unwrap();
        // every layer written, to check them one by one
        let pass = StyleNetPass::with_fusion(g, &net, 96, 128, false).unwrap();
        pass.input.write(g, &get("input")).unwrap();
        pass.run(g).unwrap();
        for (tensor, at) in
            [("contract0", "contract.0"), ("contract2", "contract.2"), ("res_out", "res.5.1"), ("expand1", "expand.1")]
        {
            let got = pass.outputs[layer(at)].as_ref().unwrap().read(g).unwrap();
            let e = rel_err(&got, &get(&format!("{case}.{tensor}")));
            eprintln!("{case}.{tensor}: {e:.2e}");
            assert!(e < 1e-4, "{case}.{tensor}: relative error {e:.2e}");
        }
        let want = get(&format!("{case}.output"));
        // and the pass users get, with norms fused into the next convolution where it can be
        let fused = StyleNetPass::new(g, &net, 96, 128).unwrap();
        fused.input.write(g, &get("input")).unwrap();
        fused.run(g).unwrap();
        for (how, out) in [("unfused", pass.output().read(g).unwrap()), ("fused", fused.output().read(g).unwrap())] {
            let worst = out.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            eprintln!("{case}.output ({how}): max abs {worst:.2e}");
            assert!(worst < 1.0 / 255.0, "{case} ({how}): output off by {worst} (> 1/255)");
        }
        let written = fused.outputs.iter().filter(|o| o.is_some()).count();
        if g.has_subgroups_of_8() {
            assert!(written < LAYERS.len(), "{case}: no norm was fused");
        }
    }
    assert_eq!(STYLES, 26);
}

#[test]
fn bad_builtin_values_are_clear_errors() {
    for (spec, needle) in [
        ("26", "does not exist"),
        ("-1", "not a number"),
        ("x", "not a number"),
        ("3:0,4:0", "positive sum"),
        ("3:nan", "non-negative"),
        ("3:1,4:zz", "not a number"),
        ("", "not a number"),
    ] {
        let e = Blend::parse(spec).unwrap_err().to_string();
        assert!(e.contains("--builtin") && e.contains(needle), "{spec:?}: {e}");
    }
    assert_eq!(Blend::parse("7").unwrap().weights()[7], 1.0);
    let b = Blend::parse("1:3, 2:1").unwrap().weights();
    assert!((b[1] - 0.75).abs() < 1e-6 && (b[2] - 0.25).abs() < 1e-6);
}
