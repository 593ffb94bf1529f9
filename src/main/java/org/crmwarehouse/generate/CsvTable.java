package org.crmwarehouse.generate;

import org.crmwarehouse.contract.Contract;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * One output file of one contract entity: writes good rows and, at the configured rate, broken copies after them.
 * Bad copies follow a good row with probability badRate each (a geometric number), so the bad share of all rows
 * is badRate. Their randomness is a separate stream per file, so the good rows do not depend on badRate.
 */
final class CsvTable implements Closeable {
    private final String entity;
    private final int width;
    private final CsvWriter writer;
    private final BadRows badRows;
    private final double badRate;
    private final SplittableRandom badRandom;
    private long rows;
    private long bad;

    CsvTable(String entity, Contract contract, Path dir, int entityNo, GeneratorOptions options) throws IOException {
        this.entity = entity;
        this.width = contract.entity(entity).columns().size();
        this.writer = new CsvWriter(dir.resolve(entity + ".csv"), contract.entity(entity).columnNames());
        this.badRows = new BadRows(contract.entity(entity).columns(), options.endDate().toEpochDay());
        this.badRate = options.badRate();
        this.badRandom = new SplittableRandom(Sampling.mix(options.seed(), 1000 + entityNo, 0));
    }

    void write(String... row) throws IOException {
        if (row.length != width) throw new IllegalStateException(entity + ": row has " + row.length + " fields, contract has " + width);
        writer.writeRow(row);
        rows++;
        if (badRate == 0) return;
        for (int copy = 1; badRandom.nextDouble() < badRate; copy++) {
            writer.writeRow(badRows.corrupt(row, badRandom, copy));
            rows++;
            bad++;
        }
    }

    String entity() { return entity; }
    long rows() { return rows; }
    long badRows() { return bad; }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
