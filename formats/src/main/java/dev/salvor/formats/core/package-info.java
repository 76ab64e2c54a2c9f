/**
 * Foundation shared by every format: read-only byte sources, the damage model, allocation limits, checksums and
 * bounded integer decoding.
 */
package dev.salvor.formats.core;
