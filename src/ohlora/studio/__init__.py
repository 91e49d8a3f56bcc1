"""The web pages: the studio (steer one face live, animation clips talk / blink / turn / idle
rendered with the open-loop editor) and the labelling page for gender and quality."""
