package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.jsonlog.CsvLedgerSource.ColumnType;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credentials, redaction and SQL names of the live-table source, without a server. */
class JdbcInputTest {

    @Test
    void reportsNameTheTableWithoutCredentials() {
        JdbcInput j = new JdbcInput("jdbc:postgresql://alice:s3cret@db.example:5432/invario?user=alice"
                + "&password=s3cret&ssl=true", "ledger_entries", null, null);
        assertEquals("jdbc:postgresql://db.example:5432/invario?table=ledger_entries", j.displayName());
        String msg = j.unreadable("cannot connect", new SQLException("FATAL: password s3cret for alice at "
                + j.url(), "28P01"), "s3cret").getMessage();
        assertFalse(msg.contains("s3cret"), msg);
        assertTrue(msg.startsWith("cannot read jdbc:postgresql://db.example:5432/invario?table=ledger_entries:"
                + " cannot connect: "), msg);
        assertTrue(msg.endsWith("(SQLState 28P01)"), msg);
    }

    @Test
    void passwordFromTheUrlElsePgpassword() {
        JdbcInput plain = new JdbcInput("jdbc:postgresql://h/db", "t", null, null);
        Properties p = plain.properties(Map.of("PGPASSWORD", "from-env", "PGUSER", "bob"));
        assertEquals("from-env", p.getProperty("password"));
        assertEquals("bob", p.getProperty("user"));
        assertEquals("true", p.getProperty("readOnly"));
        JdbcInput inUrl = new JdbcInput("jdbc:postgresql://h/db?user=u&password=p", "t", null, "carol");
        Properties q = inUrl.properties(Map.of("PGPASSWORD", "from-env", "PGUSER", "bob"));
        assertNull(q.getProperty("password"), "the URL's password wins (the driver reads it)");
        assertEquals("carol", q.getProperty("user"), "--jdbc-user wins");
        assertNull(plain.properties(Map.of()).getProperty("password"));
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThrows(IllegalArgumentException.class, () -> new JdbcInput("jdbc:mysql://h/db", "t", null, null));
        assertThrows(IllegalArgumentException.class, () -> new JdbcInput("jdbc:postgresql://h/db", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new JdbcInput("jdbc:postgresql://h/db", "t;drop", null,
                null));
        assertThrows(IllegalArgumentException.class, () -> new JdbcInput("jdbc:postgresql://h/db", "t", "a.b",
                null));
        assertThrows(IllegalArgumentException.class, () -> new JdbcInput("jdbc:postgresql://h/db", "t", null, ""));
    }

    @Test
    void sqlNamesFoldUnquotedAndKeepQuoted() {
        assertEquals(List.of("ledger_entries"), JdbcLedgerSource.parseName("Ledger_Entries", "table"));
        assertEquals(List.of("audit", "Ledger \"X\""), JdbcLedgerSource.parseName("Audit.\"Ledger \"\"X\"\"\"",
                "table"));
        for (String bad : new String[] {"", "a.b.c", "1abc", "a b", "\"unclosed", "a.", ".a", "\"\"", "a;b", "a--"}) {
            assertThrows(IllegalArgumentException.class, () -> JdbcLedgerSource.parseName(bad, "table"), bad);
        }
    }

    @Test
    void defaultTypesBySqlType() {
        assertEquals(ColumnType.INTEGER, JdbcLedgerSource.defaultType("int8"));
        assertEquals(ColumnType.INTEGER, JdbcLedgerSource.defaultType("serial"));
        assertEquals(ColumnType.NUMBER, JdbcLedgerSource.defaultType("numeric"));
        assertEquals(ColumnType.NUMBER, JdbcLedgerSource.defaultType("float8"));
        assertEquals(ColumnType.BOOLEAN, JdbcLedgerSource.defaultType("bool"));
        assertEquals(ColumnType.JSON, JdbcLedgerSource.defaultType("jsonb"));
        assertEquals(ColumnType.STRING, JdbcLedgerSource.defaultType("timestamptz"));
        assertEquals(ColumnType.STRING, JdbcLedgerSource.defaultType("text"));
        assertEquals(ColumnType.STRING, JdbcLedgerSource.defaultType("_int4"));
    }
}
