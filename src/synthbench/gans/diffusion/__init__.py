"""A class-conditional denoising diffusion model (Karras et al. 2022, EDM preconditioning and Heun sampling) as a
generator family: trained and selected by the shared loop like the GANs, sampled through the same contract."""
