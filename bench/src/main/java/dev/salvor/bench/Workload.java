package dev.salvor.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic keys and values shaped like {@code bench/compare/leveldb_gen.cc}'s: keys {@code user:%012d} (ids
 * growing with random gaps, 30 % with a random suffix such as {@code :sess-3fa9c1}), values of 100-2000 bytes
 * (50 % JSON-like text that Snappy compresses about 2-3x, 30 % half text / half random bytes, 20 % random bytes).
 * Same SplitMix64 generator and word list as the C++ generator, so the byte statistics match the 1 GB database
 * used by the comparison script (the exact byte streams do not: the C++ side formats numbers with printf).
 */
public final class Workload {
    private static final String[] WORDS = {
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
        "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they",
        "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more",
        "when", "will", "would", "who", "so", "no", "relatorio", "incidente", "servidor", "cliente",
        "pedido", "pagamento", "falha", "disco", "recuperacao", "registo", "utilizador", "sessao",
        "lisboa", "porto", "coimbra", "braga", "faro", "account", "order", "invoice", "payment",
        "shipment", "status", "pending", "delivered", "cancelled", "refund", "address", "street",
        "avenue", "city", "country", "portugal", "email", "phone", "created", "updated", "deleted",
        "profile", "settings", "language", "timezone", "notification", "message", "subject", "reply",
        "draft", "archive", "folder", "tag", "label", "priority", "high", "low", "normal", "comment",
    };
    private static final String[] SUFFIX_KINDS = {":sess-", ":tok-", ":cart-", ":msg-"};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private long state;
    private long nextId = 1;

    /** A generator seeded like {@code leveldb_gen SEED}. */
    public Workload(long seed) {
        this.state = seed;
    }

    /** SplitMix64. */
    public long next() {
        long z = (state += 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in {@code [lo, hi]}. */
    public int range(int lo, int hi) {
        return lo + (int) Long.remainderUnsigned(next(), hi - lo + 1);
    }

    private int below(int n) {
        return (int) Long.remainderUnsigned(next(), n);
    }

    /** The next user key: ids ascend with random gaps, so keys come out sorted (suffixes sort after the id). */
    public byte[] nextKey() {
        nextId += 1 + below(8);
        StringBuilder sb = new StringBuilder(40).append("user:").append(String.format("%012d", nextId));
        if (below(100) < 30) {
            sb.append(SUFFIX_KINDS[below(4)]);
            int n = range(6, 16);
            for (int i = 0; i < n; i++) {
                sb.append((char) HEX[below(16)]);
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A value of 100-2000 bytes: text, half text / half random, or random (5 : 3 : 2). */
    public byte[] nextValue() {
        int len = range(100, 2000);
        int kind = below(10);
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        if (kind < 5) {
            appendText(out, len);
        } else if (kind < 8) {
            appendText(out, len / 2);
            appendRandom(out, len - len / 2);
        } else {
            appendRandom(out, len);
        }
        return out.toByteArray();
    }

    private void appendText(ByteArrayOutputStream out, int n) {
        StringBuilder sb = new StringBuilder(n + 32);
        sb.append("{\"v\":").append(Long.remainderUnsigned(next(), 1000)).append(",\"name\":\"");
        while (sb.length() < n) {
            sb.append(WORDS[below(WORDS.length)]);
            int r = below(16);
            if (r == 0) {
                sb.append("\",\"note\":\"");
            } else if (r == 1) {
                sb.append(' ').append(below(100000));
            } else {
                sb.append(' ');
            }
        }
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, n);
    }

    private void appendRandom(ByteArrayOutputStream out, int n) {
        while (n > 0) {
            long v = next();
            for (int i = 0; i < 8 && n > 0; i++, n--) {
                out.write((int) (v >>> (8 * i)));
            }
        }
    }
}
