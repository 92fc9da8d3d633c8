/// The catalog id of a device: brand and model, lower case, every run of other characters
/// turned into one `-` ("Sennheiser HD600" → "sennheiser-hd600").
pub fn slug(text: &str) -> String {
    let text = text
        .to_lowercase()
        .replace('&', " and ")
        .replace('+', " plus ");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}
