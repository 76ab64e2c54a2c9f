package dev.salvor.salvage;

import dev.salvor.formats.core.Limits;

import java.util.function.LongConsumer;

/**
 * Settings and callbacks shared by one run.
 *
 * @param limits   allocation limits for every parser
 * @param threads  worker threads for parallel verification
 * @param progress receives bytes processed so far for the current input
 */
public record RunContext(Limits limits, int threads, LongConsumer progress) {

    public static RunContext defaults() {
        return new RunContext(Limits.DEFAULT, Runtime.getRuntime().availableProcessors(), b -> { });
    }
}
