package org.tokenscope.service;

/** The version from the jar's manifest (set by Maven), or "dev" when run from classes: what exports record. */
public final class AppVersion {

    private AppVersion() {
    }

    public static String current() {
        String v = AppVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
