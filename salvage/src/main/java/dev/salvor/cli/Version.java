package dev.salvor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;

/** The tool version, from the build. */
public final class Version implements CommandLine.IVersionProvider {

    public static String get() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/salvor.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"salvor " + get(), "Java " + System.getProperty("java.version")};
    }
}
