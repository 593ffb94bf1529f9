package org.crmwarehouse.contract;

/** The types a contract column may have, with the DuckDB type each is stored as. */
public enum ColumnType {
    VARCHAR("VARCHAR"),
    BIGINT("BIGINT"),
    DECIMAL("DECIMAL(18,4)"),
    DATE("DATE"),
    TIMESTAMP("TIMESTAMP"),
    BOOLEAN("BOOLEAN");

    private final String storageType;

    ColumnType(String storageType) {
        this.storageType = storageType;
    }

    public String storageType() {
        return storageType;
    }

    public boolean isNumeric() {
        return this == BIGINT || this == DECIMAL;
    }

    public boolean isTemporal() {
        return this == DATE || this == TIMESTAMP;
    }
}
