package org.crmwarehouse.config;

import java.nio.file.Path;

/** A job config that cannot be used; the message names the file and the offending key. */
public class ConfigException extends RuntimeException {
    public ConfigException(Path file, String message) {
        super(file + ": " + message);
    }
}
