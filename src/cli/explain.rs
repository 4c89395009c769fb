//! `stance explain`: why each sentence got its labels: per axis, the features
//! that pushed toward the predicted class and against it, as the words they
//! came from, with weight and contribution.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use stance::Scratch;
use stance::explain::explain;
use stance::text::sentences;

#[derive(clap::Args)]
pub struct Args {
    /// Text to explain (split into sentences).
    pub text: String,
    /// Features shown per direction.
    #[arg(long, default_value_t = 6)]
    pub top: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Model file [default: the embedded model].
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let model = super::load_model(args.model.as_ref())?;
    let mut scratch = Scratch::default();
    let mut out = std::io::stdout().lock();
    for span in sentences(&args.text) {
        let sentence = &args.text[span.clone()];
        let axes = explain(&model, sentence, &mut scratch);
        if args.json {
            let row = serde_json::json!({
                "start": span.start,
                "end": span.end,
                "text": sentence,
                "hostility": axes[0],
                "diplomacy": axes[1],
            });
            writeln!(out, "{row}")?;
            continue;
        }
        writeln!(out, "{sentence}")?;
        for ax in &axes {
            let class = ax.axis.class_of(ax.label).unwrap_or(0);
            writeln!(
                out,
                "  {}: {} (p = {:.2}; logit {:.2} = bias {:.2} + features {:.2})",
                ax.axis.name(),
                ax.label,
                ax.probs[class],
                ax.logit,
                ax.bias,
                ax.logit - ax.bias
            )?;
            let toward: Vec<String> = ax
                .contributions
                .iter()
                .filter(|c| c.contribution > 0.0)
                .take(args.top)
                .map(|c| format!("{} \"{}\" {:+.2}", c.feature, c.text, c.contribution))
                .collect();
            let against: Vec<String> = ax
                .contributions
                .iter()
                .rev()
                .filter(|c| c.contribution < 0.0)
                .take(args.top)
                .map(|c| format!("{} \"{}\" {:+.2}", c.feature, c.text, c.contribution))
                .collect();
            writeln!(out, "    toward:  {}", toward.join(", "))?;
            writeln!(out, "    against: {}", against.join(", "))?;
        }
    }
    Ok(())
}
