package dev.salvor.salvage;

import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Progress;

import java.util.HashMap;
import java.util.Map;

/**
 * Settings and callbacks shared by one run.
 *
 * @param limits   allocation limits for every parser
 * @param threads  worker threads for parallel verification
 * @param progress the engines' progress phases and the bytes they processed (see {@link Progress})
 * @param options  format-specific settings, keyed by their type (e.g. the jsonlog handler's {@code JsonLogOptions});
 *                 a handler falls back to its defaults when its type is absent, so other formats ignore them
 */
public record RunContext(Limits limits, int threads, Progress progress, Map<Class<?>, Object> options) {

    public RunContext {
        options = Map.copyOf(options);
        for (Map.Entry<Class<?>, Object> e : options.entrySet()) {
            e.getKey().cast(e.getValue()); // a value must be of its key's type
        }
    }

    /** Without format-specific settings. */
    public RunContext(Limits limits, int threads, Progress progress) {
        this(limits, threads, progress, Map.of());
    }

    public static RunContext defaults() {
        return new RunContext(Limits.DEFAULT, Runtime.getRuntime().availableProcessors(), b -> { });
    }

    /** The settings of type {@code type}, or {@code fallback} when none were given. */
    public <T> T option(Class<T> type, T fallback) {
        Object o = options.get(type);
        return o == null ? fallback : type.cast(o);
    }

    /** A copy with {@code value} as the settings of type {@code type}. */
    public <T> RunContext with(Class<T> type, T value) {
        Map<Class<?>, Object> m = new HashMap<>(options);
        m.put(type, value);
        return new RunContext(limits, threads, progress, m);
    }
}
