package dev.salvor.salvage.jsonlog;


import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A live PostgreSQL ledger table named on the command line ({@code --jdbc URL --table T [--order COL]
 * [--jdbc-user USER]}).
 *
 * <p>Credentials never come from a command-line argument: the user is {@code --jdbc-user}, else the URL's
 * {@code user} parameter, else {@code PGUSER}; the password is the URL's {@code password} parameter, else the
 * environment's {@code PGPASSWORD}. Reports name the source {@code jdbc:postgresql://host:port/db?table=T}: the URL
 * without its parameters (which may hold the password) and without user information.
 *
 * @param url   the JDBC URL ({@code jdbc:postgresql:...})
 * @param table the table, {@code [schema.]name}
 * @param order the order column, or null for the chain's id member
 * @param user  the user name, or null
 */
public record JdbcInput(String url, String table, String order, String user) {

    /** The URL prefix accepted. */
    public static final String PREFIX = "jdbc:postgresql:";

    /**
     * Validates the command-line values.
     *
     * @throws IllegalArgumentException with a one-line message (a usage error)
     */
    public JdbcInput {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("--jdbc: only PostgreSQL URLs (" + PREFIX + "//host:port/db) are"
                    + " supported, got " + redact(url));
        }
        if (table == null) {
            throw new IllegalArgumentException("--jdbc needs --table TABLE");
        }
        JdbcLedgerSource.parseName(table, "--table");
        if (order != null) {
            JdbcLedgerSource.parseColumnName(order, "--order");
        }
        if (user != null && user.isEmpty()) {
            throw new IllegalArgumentException("--jdbc-user must not be empty");
        }
    }

    /** The source's name in reports: the URL without parameters or user information, plus {@code ?table=T}. */
    public String displayName() {
        return redact(url) + "?table=" + table;
    }

    /** {@code url} without its parameters ({@code ?...}) and without a {@code user:password@} part. */
    static String redact(String url) {
        int q = url.indexOf('?');
        String base = q >= 0 ? url.substring(0, q) : url;
        int hosts = base.indexOf("//");
        if (hosts >= 0) {
            int at = base.lastIndexOf('@');
            if (at > hosts) {
                base = base.substring(0, hosts + 2) + base.substring(at + 1);
            }
        }
        return base;
    }

    /** The connection properties: user and password as described above, a read-only session, an app name. */
    Properties properties(Map<String, String> env) {
        Properties p = new Properties();
        String lower = url.toLowerCase(Locale.ROOT);
        if (user != null) {
            p.setProperty("user", user);
        } else if (!lower.contains("user=") && env.get("PGUSER") != null) {
            p.setProperty("user", env.get("PGUSER"));
        }
        if (!lower.contains("password=") && env.get("PGPASSWORD") != null) {
            p.setProperty("password", env.get("PGPASSWORD"));
        }
        p.setProperty("ApplicationName", "salvor");
        p.setProperty("readOnly", "true");
        return p;
    }

    /**
     * Connects.
     *
     * @throws Unreadable when the server cannot be reached or refuses the login (the message names the source
     *                    without credentials)
     */
    Connection connect(Map<String, String> env) throws Unreadable {
        Properties p = properties(env);
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw unreadable("cannot connect", e, p.getProperty("password"));
        }
    }

    /** An SQL failure as an {@link Unreadable} whose message never holds the password. */
    Unreadable unreadable(String what, SQLException e, String password) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        if (password != null && !password.isEmpty()) {
            msg = msg.replace(password, "***");
        }
        String urlPassword = urlPassword();
        if (urlPassword != null && !urlPassword.isEmpty()) {
            msg = msg.replace(urlPassword, "***");
        }
        msg = msg.replace(url, displayName());
        return new Unreadable("cannot read " + displayName() + ": " + what + ": " + msg
                + (e.getSQLState() != null ? " (SQLState " + e.getSQLState() + ")" : ""), e);
    }

    private String urlPassword() {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String kv : url.substring(q + 1).split("&")) {
            if (kv.toLowerCase(Locale.ROOT).startsWith("password=")) {
                return kv.substring("password=".length());
            }
        }
        return null;
    }

    /** The table cannot be read at all (server unreachable, login refused, no such table or column). */
    public static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
