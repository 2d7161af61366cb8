//! The set of source files of one application. Several files (or a directory of `*.apr`
//! files) form one application, so every span names its file.

use crate::span::FileId;
use codespan_reporting::files::SimpleFiles;

pub struct Sources {
    files: SimpleFiles<String, String>,
    count: u32,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            files: SimpleFiles::new(),
            count: 0,
        }
    }
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = self.files.add(name.into(), text.into());
        self.count += 1;
        FileId(id as u32)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        (0..self.count).map(FileId)
    }

    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
