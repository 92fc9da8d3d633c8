//! PNG from the SVG the charts are drawn as, so a posted picture and the page show the same
//! chart. The text is set in DejaVu Sans, embedded (its licence in fonts/DejaVu-LICENSE):
//! a PNG must not depend on the fonts of the machine that renders it.

use std::sync::{Arc, OnceLock};

use crate::{Error, Result};

static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        // The charts ask for "sans-serif"; that is this font.
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Renders `svg` to PNG at `scale` × its own size (2 gives a sharp picture on a phone).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>> {
    let options = resvg::usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".into(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| Error::Png(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| Error::Png(format!("a {scale}× picture of this chart has no size")))?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
            Error::Png(format!(
                "cannot allocate {}×{} px",
                size.width(),
                size.height()
            ))
        })?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| Error::Png(e.to_string()))
}
