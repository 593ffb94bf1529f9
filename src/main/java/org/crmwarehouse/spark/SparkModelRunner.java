package org.crmwarehouse.spark;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;

/**
 * PLACEHOLDER, NOT IMPLEMENTED on this branch: the Spark night's transform (every model of the
 * catalog on Spark, writing its tables into {@link SparkTables}) is the spark-models branch's
 * class of this name and signature, which replaces this file at merge.
 */
public final class SparkModelRunner {
    private final ModelCatalog catalog;

    public SparkModelRunner(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public List<ModelRunner.ModelAudit> run(SparkTables tables, LocalDate businessDate, Map<String, Object> overrides,
            Path publishedWarehouse, Set<String> fromCommandLine) {
        throw new UnsupportedOperationException("not implemented: the Spark transform (SparkModelRunner) is not on "
                + "this branch yet (" + catalog.models().size() + " models to run)");
    }
}
