"""The studio: a local web page to steer one face live, and animation clips (talk, blink,
turn, idle) rendered with the open-loop editor."""
