package org.tokenscope.figure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A figure laid out once onto a {@link Sheet}; painting replays the sheet. */
abstract class DrawnFigure implements Figure {

    private final double width;
    private final double height;
    private final String title;
    private final List<Consumer<Painter>> ops;
    private final List<Item> items;
    private final Map<String, String> metadata;

    DrawnFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        // whole units, so that an image at 1× has exactly the figure's size and SVG viewers scale by 1
        this.width = Math.ceil(width - 1e-9);
        this.height = Math.max(1, Math.ceil(height - 1e-9));
        this.title = title;
        this.ops = sheet.ops();
        this.items = sheet.items();
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    @Override
    public final double width() {
        return width;
    }

    @Override
    public final double height() {
        return height;
    }

    @Override
    public final String title() {
        return title;
    }

    @Override
    public final void paint(Painter painter) {
        for (Consumer<Painter> op : ops) op.accept(painter);
    }

    @Override
    public final List<Item> items() {
        return items;
    }

    @Override
    public final Map<String, String> metadata() {
        return metadata;
    }
}
