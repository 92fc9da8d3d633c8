#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ampmatch_fuzz::run("api_body", data));
