package org.crmwarehouse.generate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a generator run wrote.
 *
 * @param rowsPerFile data rows (header excluded, bad rows included) per file name, in contract order
 * @param badRows     rows deliberately corrupted, over all files
 */
public record GenerationSummary(Map<String, Long> rowsPerFile, long badRows) {
    public GenerationSummary {
        rowsPerFile = Collections.unmodifiableMap(new LinkedHashMap<>(rowsPerFile));
    }
}
