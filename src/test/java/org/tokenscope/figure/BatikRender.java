package org.tokenscope.figure;

import java.awt.image.BufferedImage;
import java.io.StringReader;
import org.apache.batik.transcoder.TranscoderException;
import org.apache.batik.transcoder.TranscoderInput;
import org.apache.batik.transcoder.TranscoderOutput;
import org.apache.batik.transcoder.image.ImageTranscoder;

/** Renders SVG with Apache Batik, an independent SVG renderer, to an image. */
final class BatikRender {

    private BatikRender() {
    }

    static BufferedImage render(String svg, int width, int height) throws TranscoderException {
        Capture capture = new Capture();
        capture.addTranscodingHint(ImageTranscoder.KEY_WIDTH, (float) width);
        capture.addTranscodingHint(ImageTranscoder.KEY_HEIGHT, (float) height);
        TranscoderInput input = new TranscoderInput(new StringReader(svg));
        input.setURI("file:/figure.svg");
        capture.transcode(input, null);
        return capture.image;
    }

    private static final class Capture extends ImageTranscoder {
        BufferedImage image;

        @Override
        public BufferedImage createImage(int w, int h) {
            return new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        }

        @Override
        public void writeImage(BufferedImage img, TranscoderOutput output) {
            image = img;
        }
    }
}
