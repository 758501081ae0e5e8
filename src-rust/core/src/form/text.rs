//! Text helpers shared by validation and the widget builders.

/// Lowercases and strips common Latin accents so "Sí", "si" and "SI" compare equal. A small
/// table rather than full Unicode normalisation: the forms ship in Latin-script languages.
pub fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes control characters (keeping newlines and tabs) and bidi override/isolate marks,
/// which could make a stored answer display differently to staff than it reads. Ordinary
/// right-to-left text is kept as typed.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            !bidi && (!c.is_control() || c == '\n' || c == '\t')
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Cuts to at most `max` chars (Meta counts characters), on a char boundary, marking the cut
/// with an ellipsis. Never returns an empty string for a non-empty input and `max >= 1`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Non-empty text within `max` chars: whitespace-only or empty text becomes `fallback`.
pub fn bounded(s: &str, max: usize, fallback: &str) -> String {
    let t = s.trim();
    let t = if t.is_empty() { fallback } else { t };
    truncate(t, max)
}
