/** The {@code salvor} command line: a thin picocli layer over {@code dev.salvor.salvage}. */
package dev.salvor.cli;
