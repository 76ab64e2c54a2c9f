/**
 * The salvage pipeline over {@code dev.salvor.formats}: finds inputs, verifies them, classifies what survives and
 * writes reports and JSON Lines. The CLI in {@code dev.salvor.cli} is a thin layer over this package.
 */
package dev.salvor.salvage;
