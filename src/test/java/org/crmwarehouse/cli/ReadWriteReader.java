package org.crmwarehouse.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A reader as DBeaver or the DuckDB CLI opens the warehouse by default: a read-write DuckDB
 * connection, in a process of its own (DuckDB's file lock is per process). Run as a child JVM
 * by CustomerHistoryNightsTest: it opens the file given as argument, prints
 * {@code night <business_date>}, then answers each line of stdin: {@code query} (the same
 * connection), {@code reconnect} (a new connection) or {@code quit}.
 */
public final class ReadWriteReader {
    private ReadWriteReader() {
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:duckdb:" + args[0]; // no duckdb.read_only: read-write, the default
        Connection db = DriverManager.getConnection(url);
        System.out.println("night " + night(db));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            if (line.equals("reconnect")) {
                db.close();
                db = DriverManager.getConnection(url);
            }
            System.out.println("night " + night(db));
        }
        db.close();
    }

    private static String night(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT business_date FROM warehouse_info")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
