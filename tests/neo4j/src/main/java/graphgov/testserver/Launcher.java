package graphgov.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * A Neo4j 5.26 DBMS with Graph Data Science, for graphgov's test suite only.
 *
 * <p>Usage: {@code Launcher HOME BOLT_PORT PASSWORD_FILE [--ignore-stdin]}. Bolt listens on
 * 127.0.0.1 only, auth is on (user {@code neo4j}, password read from PASSWORD_FILE; it is never
 * printed), HTTP is off and usage reporting is off. Prints {@code READY bolt://127.0.0.1:PORT} on
 * stdout once Bolt accepts connections and GDS is loaded. Shuts down cleanly on SIGTERM/SIGINT,
 * and when stdin reaches end of file (so a parent that dies takes the server with it), unless
 * {@code --ignore-stdin} is given.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !args[3].equals("--ignore-stdin"))) {
            fail("usage: Launcher HOME BOLT_PORT PASSWORD_FILE [--ignore-stdin]");
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = parsePort(args[1]);
        String password = readPassword(Path.of(args[2]));
        boolean watchStdin = args.length == 3;

        Path plugins = pluginDir();
        Files.createDirectories(home);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(settings(port))
                .setConfig(GraphDatabaseSettings.plugin_dir, plugins)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log("stopping");
            try {
                dbms.shutdown();
            } catch (RuntimeException e) {
                log("shutdown failed: " + e);
            }
            log("stopped");
            stopped.countDown();
        }, "testserver-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        try {
            setPassword(dbms, password);
            checkGds(dbms);
        } catch (RuntimeException e) {
            log("start failed: " + e);
            System.exit(3); // the hook shuts the DBMS down
        }

        System.out.println("READY bolt://" + HOST + ":" + port);
        System.out.flush();

        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                drain(System.in);
                log("stdin closed");
                System.exit(0);
            }, "testserver-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await(); // until the shutdown hook has run
    }

    private static Map<org.neo4j.graphdb.config.Setting<?>, Object> settings(int port) {
        return Map.ofEntries(
                Map.entry(BoltConnector.enabled, true),
                Map.entry(BoltConnector.listen_address, new SocketAddress(HOST, port)),
                Map.entry(BoltConnector.advertised_address, new SocketAddress(HOST, port)),
                Map.entry(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED),
                Map.entry(HttpConnector.enabled, false),
                Map.entry(HttpsConnector.enabled, false),
                Map.entry(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST)),
                Map.entry(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST)),
                Map.entry(GraphDatabaseSettings.auth_enabled, true),
                // GDS reaches into kernel internals, so its procedures must be unrestricted.
                Map.entry(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*")),
                Map.entry(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256)),
                Map.entry(GraphDatabaseSettings.pagecache_warmup_enabled, false),
                Map.entry(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.mebiBytes(512)),
                Map.entry(GraphDatabaseSettings.udc_enabled, false),
                Map.entry(GraphDatabaseInternalSettings.udc_network_enabled, false),
                Map.entry(BoltConnector.server_bolt_telemetry_enabled, false),
                Map.entry(GraphDatabaseSettings.preallocate_logical_logs, false),
                Map.entry(GraphDatabaseSettings.keep_logical_logs, "1 files"),
                Map.entry(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2)),
                // Bolt's event loops otherwise linger 5 s per connector on shutdown.
                Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0),
                Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2)));
    }

    /**
     * The folder of GDS jars: the system property testserver.plugins, else "plugins" beside the
     * launcher's jar. Embedded Neo4j registers {@code @Procedure} classes only from jars in its
     * plugin directory, never from the classpath alone.
     */
    private static Path pluginDir() throws Exception {
        String prop = System.getProperty("testserver.plugins");
        Path dir = prop != null
                ? Path.of(prop)
                : Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .getParent().resolve("plugins");
        if (!Files.isDirectory(dir)) {
            fail("no plugin directory at " + dir + " (build with: mvn -q -B -f tests/neo4j/pom.xml package)");
        }
        return dir.toAbsolutePath();
    }

    /** Sets the neo4j user's password as an embedded (unauthenticated) system-database statement. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // A home dir reused with the same password: nothing to change.
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("Old password and new password cannot be the same")) {
                throw new RuntimeException("could not set the neo4j password: " + msg.replace(password, "***"));
            }
        }
    }

    private static void checkGds(DatabaseManagementService dbms) {
        String version = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally(
                "CALL gds.version() YIELD gdsVersion RETURN gdsVersion", Map.of(),
                result -> String.valueOf(result.next().get("gdsVersion")));
        log("GDS " + version + " loaded");
    }

    private static String readPassword(Path file) throws IOException {
        String pw = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (pw.length() < 8) {
            fail("the password in " + file + " is shorter than 8 characters (Neo4j's minimum)");
        }
        return pw;
    }

    private static int parsePort(String s) {
        try {
            int port = Integer.parseInt(s);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail("not a port number: " + s);
        return -1;
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // ignore whatever is written; only end of file matters
            }
        } catch (IOException ignored) {
            // a broken stdin counts as closed
        }
    }

    private static void log(String msg) {
        System.err.println("[testserver] " + msg);
        System.err.flush();
    }

    private static void fail(String msg) {
        log(msg);
        System.exit(2);
    }
}
