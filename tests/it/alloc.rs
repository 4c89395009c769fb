//! Once a scratch is warm, scoring a sentence allocates nothing: a counting
//! global allocator (per thread, so parallel tests do not interfere) shows it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use stance::Scratch;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn scoring_allocates_nothing_once_warm() {
    let model = stance::model::embedded().expect("a model is embedded");
    let corpus = stance::corpus::synthetic(2_000);
    let mut scratch = Scratch::default();
    for sentence in &corpus {
        model.predict(sentence, &mut scratch);
    }
    let before = allocations();
    let mut hostile = 0;
    for sentence in &corpus {
        let p = model.predict(sentence, &mut scratch);
        hostile += usize::from(p.label(stance::Axis::Hostility) == "hostile");
    }
    let during = allocations() - before;
    assert_eq!(
        during,
        0,
        "{during} allocations while scoring {} warm sentences",
        corpus.len()
    );
    assert!(hostile > 0 && hostile < corpus.len());
}

#[test]
fn segmentation_allocates_nothing() {
    let text = "Dr. Amani arrived in Addis Ababa on Jan. 5. “We will respond,” he said. Talks resume at 10.30 a.m.";
    let before = allocations();
    let n = stance::text::sentences(text).count();
    assert_eq!(allocations() - before, 0);
    assert_eq!(n, 3);
}
