// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc instead of the system allocator: an export decodes answers on one thread and frees
/// them on another, and glibc's allocator serialised that on a lock (CSV at 100,000 intakes:
/// 1.2 s with it, 0.3 s with mimalloc; see the `export` bench).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    intake_desk_lib::run();
}
