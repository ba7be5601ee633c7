package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** glibc takes the fixed mmap threshold (on Linux, unless the environment already sets one). */
class NativeMemoryTest {

    @Test
    void glibcTakesTheThreshold() {
        boolean linux = System.getProperty("os.name", "").startsWith("Linux");
        boolean preset = System.getenv("MALLOC_MMAP_THRESHOLD_") != null
                || Integer.getInteger("tokenscope.mmapThreshold", NativeMemory.MMAP_THRESHOLD) <= 0;
        assertThat(NativeMemory.fixMmapThreshold()).isEqualTo(linux && !preset);
        assertThat(NativeMemory.fixMmapThreshold()).as("idempotent").isEqualTo(linux && !preset);
    }
}
