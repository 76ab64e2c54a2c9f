/**
 * Chromium's stores in salvor's output: the {@code "indexeddb"}, {@code "localstorage"} and {@code "sessionstorage"}
 * members of salvaged LevelDB records ({@link dev.salvor.salvage.chromium.ChromiumMembers}), and what
 * {@code salvor identify} says about them ({@link dev.salvor.salvage.chromium.ChromiumSummary}). The decoding is in
 * {@code dev.salvor.formats.chromium} and {@code dev.salvor.formats.v8}.
 */
package dev.salvor.salvage.chromium;
