package dev.salvor.salvage.backup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code manifest.json}: the first entry of every backup archive and the file beside it. It lists every file with
 * its size, SHA-256 and modification time, the empty and non-empty directories, what was not backed up and why
 * (symbolic links, sockets...), and for each database found in the source its format summary and the verdict of
 * {@code check} at backup time. Restore trusts nothing in an archive that this manifest does not name.
 *
 * <table>
 *   <caption>manifest.json, format version 1</caption>
 *   <tr><th>member</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>format</td><td>string</td><td>{@code salvor-backup}</td></tr>
 *   <tr><td>version</td><td>integer</td><td>1</td></tr>
 *   <tr><td>created_at</td><td>string</td><td>ISO-8601 instant (UTC)</td></tr>
 *   <tr><td>tool</td><td>string</td><td>{@code salvor <version>}</td></tr>
 *   <tr><td>label</td><td>string</td><td>the archive name's prefix</td></tr>
 *   <tr><td>source</td><td>string</td><td>absolute path of the directory or file backed up</td></tr>
 *   <tr><td>source_kind</td><td>string</td><td>{@code directory} or {@code file}</td></tr>
 *   <tr><td>files</td><td>array</td><td>{@code {path, size, sha256, mtime}} in archive order; paths relative, {@code /}
 *       separators ({@link EntryName})</td></tr>
 *   <tr><td>directories</td><td>array of string</td><td>every directory below the source</td></tr>
 *   <tr><td>skipped</td><td>array</td><td>{@code {path, type, detail}}: entries that are not regular files or
 *       directories (a symbolic link's target is kept in {@code detail})</td></tr>
 *   <tr><td>totals</td><td>object</td><td>{@code {files, bytes}}</td></tr>
 *   <tr><td>components</td><td>array</td><td>{@code {path, format, verdict, damages, summary, notes}}: each
 *       database recognised in the source ({@code .} for the source itself)</td></tr>
 *   <tr><td>check</td><td>object</td><td>{@code {verdict, damages}}: {@code clean}, {@code damaged}, {@code failed}
 *       (the check itself could not run) or {@code unchecked} (no recognised database)</td></tr>
 *   <tr><td>eventlog_summary, chain_valid_at_backup</td><td>object, boolean</td><td>seed 001 §3.2's names, present
 *       when the source holds an event log</td></tr>
 * </table>
 *
 * @param version     format version (1)
 * @param createdAt   when the backup was made
 * @param tool        tool and version that wrote it
 * @param label       the archive name's prefix
 * @param source      the absolute source path
 * @param sourceKind  {@code directory} or {@code file}
 * @param files       every file, in archive order
 * @param directories every directory, parents first
 * @param skipped     what was found but not backed up
 * @param components  each recognised database with its summary and check verdict
 * @param checkVerdict the overall check verdict
 * @param checkDamages damages found by the check
 * @param extras      further top-level members, kept as read (e.g. {@code eventlog_summary})
 */
public record BackupManifest(int version, String createdAt, String tool, String label, String source,
                             String sourceKind, List<FileEntry> files, List<String> directories, List<Skipped> skipped,
                             List<Component> components, String checkVerdict, long checkDamages,
                             Map<String, Object> extras) {

    /** The archive's first entry. */
    public static final String ENTRY_NAME = "manifest.json";
    /** The value of {@code format}. */
    public static final String FORMAT = "salvor-backup";
    /** The only format version written and read. */
    public static final int VERSION = 1;
    /** Largest manifest read, in bytes (room for {@link SourceTree#MAX_ENTRIES} entries with long names). */
    public static final int MAX_BYTES = 64 << 20;
    /**
     * Largest number of JSON tokens in a manifest (about ten per file): counted by a streaming pass before the tree
     * is built, so a hostile manifest of millions of tiny values cannot exhaust the heap.
     */
    public static final int MAX_TOKENS = 4_000_000;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                            .maxStringLength(1 << 20).maxNumberLength(40).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    public BackupManifest {
        files = List.copyOf(files);
        directories = List.copyOf(directories);
        skipped = List.copyOf(skipped);
        components = List.copyOf(components);
        extras = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    /**
     * One file of the backup.
     *
     * @param path   relative path, {@code /} separators
     * @param size   bytes
     * @param sha256 lower-case hex SHA-256 of the content
     * @param mtime  last-modified time as read at backup, or null
     */
    public record FileEntry(String path, long size, String sha256, String mtime) {
    }

    /**
     * Something in the source that is not a regular file or a directory, and so is not in the archive.
     *
     * @param path   relative path
     * @param type   {@code symlink}, {@code socket}, {@code fifo}, {@code device}, {@code other}
     * @param detail e.g. the link's target
     */
    public record Skipped(String path, String type, String detail) {
    }

    /**
     * One database found in the source.
     *
     * @param path    relative path of the directory or file ({@code .} for the source itself)
     * @param format  {@code leveldb}, {@code sqlite}, {@code jsonlog}
     * @param verdict {@code clean}, {@code damaged} or {@code failed}
     * @param damages how many damages {@code check} listed
     * @param summary the format's key figures
     * @param notes   the check's notes (at most {@link Components#NOTES_KEPT})
     */
    public record Component(String path, String format, String verdict, long damages, Map<String, Object> summary,
                            List<String> notes) {
        public Component {
            summary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary));
            notes = List.copyOf(notes);
        }
    }

    /** Total bytes of every file. */
    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    /** Files by path. */
    public Map<String, FileEntry> filesByPath() {
        Map<String, FileEntry> m = new LinkedHashMap<>();
        for (FileEntry f : files) {
            m.put(f.path(), f);
        }
        return m;
    }

    /** The manifest as UTF-8 JSON (pretty-printed, members in the documented order). */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", version);
            g.writeStringField("created_at", createdAt);
            g.writeStringField("tool", tool);
            g.writeStringField("label", label);
            g.writeStringField("source", source);
            g.writeStringField("source_kind", sourceKind);
            g.writeArrayFieldStart("files");
            for (FileEntry f : files) {
                g.writeStartObject();
                g.writeStringField("path", f.path());
                g.writeNumberField("size", f.size());
                g.writeStringField("sha256", f.sha256());
                g.writeStringField("mtime", f.mtime());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("directories");
            for (String d : directories) {
                g.writeString(d);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("skipped");
            for (Skipped s : skipped) {
                g.writeStartObject();
                g.writeStringField("path", s.path());
                g.writeStringField("type", s.type());
                g.writeStringField("detail", s.detail());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("totals");
            g.writeNumberField("files", files.size());
            g.writeNumberField("bytes", totalBytes());
            g.writeEndObject();
            g.writeArrayFieldStart("components");
            for (Component c : components) {
                g.writeStartObject();
                g.writeStringField("path", c.path());
                g.writeStringField("format", c.format());
                g.writeStringField("verdict", c.verdict());
                g.writeNumberField("damages", c.damages());
                g.writeFieldName("summary");
                MAPPER.writeValue(g, c.summary());
                g.writeArrayFieldStart("notes");
                for (String n : c.notes()) {
                    g.writeString(n);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("check");
            g.writeStringField("verdict", checkVerdict);
            g.writeNumberField("damages", checkDamages);
            g.writeEndObject();
            for (Map.Entry<String, Object> e : extras.entrySet()) {
                g.writeFieldName(e.getKey());
                MAPPER.writeValue(g, e.getValue());
            }
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Parses and validates a manifest: strict JSON (no duplicate members, bounded nesting and strings, nothing after
     * the object), the documented members with their types, every path safe ({@link EntryName}), no two entries
     * that collide (same path, case or Unicode normalisation) or that are both a file and a directory.
     *
     * @throws ManifestException for anything else, with what was expected and what was found
     */
    public static BackupManifest parse(byte[] json, String resource) throws ManifestException {
        if (json.length > MAX_BYTES) {
            throw new ManifestException(resource + ": manifest size: actual=" + json.length + " vs expected=at most "
                    + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            long tokens = 0;
            while (p.nextToken() != null) {
                if (++tokens > MAX_TOKENS) {
                    throw new ManifestException(resource + ": manifest tokens: actual=more than " + MAX_TOKENS
                            + " vs expected=about ten per file (hostile manifest)");
                }
            }
        } catch (ManifestException e) {
            throw e;
        } catch (IOException e) {
            throw new ManifestException(resource + ": manifest is not valid JSON: " + firstLine(e.getMessage()));
        }
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            root = MAPPER.readTree(p);
        } catch (IOException e) {
            throw new ManifestException(resource + ": manifest is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ManifestException(resource + ": manifest: actual=" + (root == null ? "empty" : root.getNodeType())
                    + " vs expected=a JSON object");
        }
        Reader r = new Reader(resource);
        JsonNode fmt = root.get("format");
        String format = fmt != null && fmt.isTextual() ? fmt.textValue() : null;
        if (!FORMAT.equals(format)) {
            throw new ManifestException(resource + ": manifest format: actual=" + EntryName.quote(format)
                    + " vs expected='" + FORMAT + "' (not a salvor backup manifest)");
        }
        JsonNode v = root.get("version");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != VERSION) {
            throw new ManifestException(resource + ": manifest version: actual=" + v + " vs expected=" + VERSION
                    + " (written by another salvor version?)");
        }
        String createdAt = r.text(root, "created_at", false);
        r.instant(createdAt, "created_at");
        List<FileEntry> files = new ArrayList<>();
        for (JsonNode f : r.array(root, "files")) {
            String path = r.path(r.text(f, "path", false), "files[].path");
            JsonNode size = f.get("size");
            if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
                throw new ManifestException(resource + ": manifest size of " + EntryName.quote(path) + ": actual="
                        + size + " vs expected=a non-negative integer");
            }
            String sha = r.text(f, "sha256", false);
            if (!SHA256.matcher(sha).matches()) {
                throw new ManifestException(resource + ": manifest sha256 of " + EntryName.quote(path) + ": actual="
                        + EntryName.quote(sha) + " vs expected=64 lower-case hex digits");
            }
            String mtime = r.text(f, "mtime", true);
            if (mtime != null) {
                r.instant(mtime, "mtime of " + EntryName.quote(path));
            }
            files.add(new FileEntry(path, size.longValue(), sha, mtime));
        }
        List<String> dirs = new ArrayList<>();
        for (JsonNode d : r.array(root, "directories")) {
            if (!d.isTextual()) {
                throw new ManifestException(resource + ": manifest directories[]: actual=" + d.getNodeType()
                        + " vs expected=a string");
            }
            dirs.add(r.path(d.textValue(), "directories[]"));
        }
        List<Skipped> skipped = new ArrayList<>();
        JsonNode sk = root.get("skipped");
        if (sk != null) {
            for (JsonNode s : r.array(root, "skipped")) {
                skipped.add(new Skipped(r.text(s, "path", false), r.text(s, "type", false), r.text(s, "detail", true)));
            }
        }
        List<Component> components = new ArrayList<>();
        if (root.get("components") != null) {
            for (JsonNode c : r.array(root, "components")) {
                String path = r.text(c, "path", false);
                if (!path.equals(".")) {
                    r.path(path, "components[].path");
                }
                JsonNode summary = c.get("summary");
                Map<String, Object> sm = summary != null && summary.isObject()
                        ? MAPPER.convertValue(summary, Map.class) : Map.of();
                List<String> notes = new ArrayList<>();
                if (c.get("notes") != null && c.get("notes").isArray()) {
                    c.get("notes").forEach(n -> notes.add(n.asText()));
                }
                JsonNode dmg = c.get("damages");
                components.add(new Component(path, r.text(c, "format", false), r.text(c, "verdict", false),
                        dmg != null && dmg.canConvertToLong() ? dmg.longValue() : 0, sm, notes));
            }
        }
        String verdict = "unchecked";
        long damages = 0;
        JsonNode check = root.get("check");
        if (check != null && check.isObject()) {
            verdict = r.text(check, "verdict", false);
            damages = check.path("damages").asLong(0);
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        Set<String> known = Set.of("format", "version", "created_at", "tool", "label", "source", "source_kind",
                "files", "directories", "skipped", "totals", "components", "check");
        root.fields().forEachRemaining(e -> {
            if (!known.contains(e.getKey())) {
                extras.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class));
            }
        });
        BackupManifest m = new BackupManifest(VERSION, createdAt, r.text(root, "tool", true),
                r.text(root, "label", true), r.text(root, "source", true), r.text(root, "source_kind", true),
                files, dirs, skipped, components, verdict, damages, extras);
        String clash = m.collision();
        if (clash != null) {
            throw new ManifestException(resource + ": manifest " + clash);
        }
        return m;
    }

    /**
     * Why two entries of this manifest would land on the same place, or null: a duplicate path, two paths equal
     * after case folding and NFC ({@link EntryName#foldKey}), a file that is also the parent of another entry, or a
     * directory listed twice.
     */
    public String collision() {
        Map<String, String> seen = new HashMap<>();
        Set<String> fileKeys = new HashSet<>();
        Set<String> parentKeys = new HashSet<>();
        for (FileEntry f : files) {
            String key = EntryName.foldKey(f.path());
            String prev = seen.putIfAbsent(key, f.path());
            if (prev != null) {
                return "duplicate entry: " + EntryName.quote(f.path()) + (prev.equals(f.path()) ? " listed twice"
                        : " collides with " + EntryName.quote(prev) + " (same name after case folding or Unicode"
                        + " normalisation)");
            }
            fileKeys.add(key);
            addParents(key, parentKeys);
        }
        Map<String, String> dirSeen = new HashMap<>();
        for (String d : directories) {
            String key = EntryName.foldKey(d);
            String prev = dirSeen.putIfAbsent(key, d);
            if (prev != null) {
                return "duplicate directory: " + EntryName.quote(d) + (prev.equals(d) ? " listed twice"
                        : " collides with " + EntryName.quote(prev) + " (case folding or Unicode normalisation)");
            }
            if (fileKeys.contains(key)) {
                return "entry " + EntryName.quote(d) + " is listed both as a file and as a directory";
            }
            addParents(key, parentKeys);
        }
        for (String key : parentKeys) {
            if (fileKeys.contains(key)) {
                return "entry " + EntryName.quote(seen.get(key)) + " is a file but also the parent directory of"
                        + " another entry";
            }
        }
        return null;
    }

    private static void addParents(String key, Set<String> parents) {
        int i = key.lastIndexOf('/');
        while (i > 0) {
            key = key.substring(0, i);
            if (!parents.add(key)) {
                break;
            }
            i = key.lastIndexOf('/');
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A manifest that cannot be trusted: malformed, unsafe or inconsistent. */
    public static final class ManifestException extends IOException {
        private static final long serialVersionUID = 1L;

        public ManifestException(String message) {
            super(message);
        }
    }

    /** Typed member access with messages naming the manifest. */
    private record Reader(String resource) {
        String text(JsonNode o, String name, boolean nullable) throws ManifestException {
            JsonNode n = o == null ? null : o.get(name);
            if (n == null || n.isNull()) {
                if (nullable) {
                    return null;
                }
                throw new ManifestException(resource + ": manifest member '" + name + "': actual=missing vs"
                        + " expected=a string");
            }
            if (!n.isTextual()) {
                throw new ManifestException(resource + ": manifest member '" + name + "': actual=" + n.getNodeType()
                        + " vs expected=a string");
            }
            return n.textValue();
        }

        List<JsonNode> array(JsonNode o, String name) throws ManifestException {
            JsonNode n = o.get(name);
            if (n == null || !n.isArray()) {
                throw new ManifestException(resource + ": manifest member '" + name + "': actual="
                        + (n == null ? "missing" : n.getNodeType()) + " vs expected=an array");
            }
            List<JsonNode> l = new ArrayList<>();
            for (JsonNode e : n) {
                if (!name.equals("directories") && !e.isObject()) {
                    throw new ManifestException(resource + ": manifest " + name + "[]: actual=" + e.getNodeType()
                            + " vs expected=an object");
                }
                l.add(e);
            }
            return l;
        }

        String path(String p, String what) throws ManifestException {
            String problem = EntryName.problem(p);
            if (problem != null) {
                throw new ManifestException(resource + ": manifest " + what + " " + EntryName.quote(p) + ": "
                        + problem + " (a hostile or damaged manifest)");
            }
            return p;
        }

        void instant(String s, String what) throws ManifestException {
            try {
                Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new ManifestException(resource + ": manifest " + what + ": actual=" + EntryName.quote(s)
                        + " vs expected=an ISO-8601 instant");
            }
        }
    }
}
