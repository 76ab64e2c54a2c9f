package dev.salvor.formats.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What was found in one file: its format and role, how many units (records, blocks, pages) were verified and how
 * many were damaged, and the damage list. Engines fill one per file they read; a run's report is the list of them
 * (the typed per-file summary of its status). Mutable while a run fills it; thread-confined per file, except
 * {@link #addDamage} and {@link #map()}, which worker threads may use concurrently.
 */
public final class FileResult {
    private final String file;
    private final String format;
    private final String role;
    private final long size;
    private long unitsVerified;
    private long unitsDamaged;
    private long bytesVerified;
    private final List<Damage> damages = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private final UnitMap map;

    public FileResult(String file, String format, String role, long size) {
        this.file = file;
        this.format = format;
        this.role = role;
        this.size = size;
        this.map = new UnitMap(size);
    }

    public String file() {
        return file;
    }

    /** e.g. {@code leveldb}. */
    public String format() {
        return format;
    }

    /** e.g. {@code log}, {@code manifest}, {@code table}, {@code current}, {@code other}. */
    public String role() {
        return role;
    }

    public long size() {
        return size;
    }

    public long unitsVerified() {
        return unitsVerified;
    }

    public long unitsDamaged() {
        return unitsDamaged;
    }

    public long bytesVerified() {
        return bytesVerified;
    }

    public List<Damage> damages() {
        return damages;
    }

    /** Key figures for a specialist (records, blocks, sequence range...), in insertion order. */
    public Map<String, Object> facts() {
        return facts;
    }

    /**
     * The map of the file's units as the engine marked them (records, blocks, pages, frames, events: verified,
     * damaged, free...); bounded whatever the file size (see {@link UnitMap}). Not part of the JSON report.
     */
    public UnitMap map() {
        return map;
    }

    /** {@link #map()} with every located damage of this file marked damaged (see {@link UnitMap#withDamages}). */
    public UnitMap mapWithDamages() {
        List<Damage> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(damages);
        }
        return map.withDamages(snapshot, file);
    }

    public FileResult units(long verified, long damaged, long bytes) {
        this.unitsVerified += verified;
        this.unitsDamaged += damaged;
        this.bytesVerified += bytes;
        return this;
    }

    public FileResult fact(String key, Object value) {
        facts.put(key, value);
        return this;
    }

    public synchronized void addDamage(Damage d) {
        damages.add(d);
    }
}
