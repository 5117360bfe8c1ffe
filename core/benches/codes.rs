//! Code generation and URI parsing speed. Goal: every code of 10,000 accounts in under 5 ms.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ninsho_core::otp::{Algorithm, Generator, OtpParams, Secret};
use ninsho_core::uri;

fn generators(n: usize) -> Vec<Generator> {
    (0..n)
        .map(|i| {
            let key: Vec<u8> = (0..20).map(|b| (i * 31 + b * 7) as u8).collect();
            let params = match i % 10 {
                0 => OtpParams::totp(Algorithm::Sha256, 8, 30),
                1 => OtpParams::totp(Algorithm::Sha512, 6, 60),
                2 => OtpParams::hotp(Algorithm::Sha1, 6, i as u64),
                3 => OtpParams::steam(),
                _ => OtpParams::totp(Algorithm::Sha1, 6, 30),
            };
            Generator::new(&params, &Secret::from_bytes(&key).unwrap()).unwrap()
        })
        .collect()
}

fn codes(c: &mut Criterion) {
    let mut group = c.benchmark_group("codes");
    for n in [100, 10_000] {
        let gens = generators(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("all_current_codes", n),
            &gens,
            |b, gens| {
                b.iter(|| {
                    let now = std::hint::black_box(1_764_000_000);
                    gens.iter().map(|g| g.code_at(now)).collect::<Vec<_>>()
                })
            },
        );
    }
    // Building generators is what opening a vault costs on top of reading the secrets.
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("build_10000_generators", |b| b.iter(|| generators(10_000)));
    group.finish();
}

fn parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("uri");
    let typical = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
    let lenient = "  OTPAUTH://TOTP/Example:%20%20alice+work%40example.com?Secret=jbsw-y3dp-ehpk-3pxp%3D%3D&ISSUER=Example&image=https%3A%2F%2Fexample.com%2Flogo.png#x";
    group.bench_function("parse_typical", |b| {
        b.iter(|| uri::parse(std::hint::black_box(typical)))
    });
    group.bench_function("parse_lenient", |b| {
        b.iter(|| uri::parse(std::hint::black_box(lenient)))
    });
    let account = uri::parse(typical).unwrap();
    group.bench_function("format", |b| {
        b.iter(|| uri::format(std::hint::black_box(&account)))
    });
    let (exports, _) = uri::migration::encode(&vec![account; 10], 10, 1);
    group.bench_function("migration_parse_10_accounts", |b| {
        b.iter(|| uri::migration::parse(std::hint::black_box(&exports[0])))
    });
    group.finish();
}

criterion_group!(benches, codes, parsing);
criterion_main!(benches);
