"""Fine-tuned conditional generators (spec 5, 5.1, 6): FineTune-v1 to v5 on the embedded DCGAN."""
