package org.tokenscope.cli;

import org.tokenscope.service.AppVersion;
import picocli.CommandLine;

/** The version from the jar's manifest (set by Maven), or "dev" when run from classes. */
public final class Version implements CommandLine.IVersionProvider {

    public static String current() {
        return AppVersion.current();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"tokenscope " + current()};
    }
}
