"""The layouts of the public raw downloads, written once.

The demo generator writes these layouts and the dataset builders read them, so both sides agree on column
names, value conventions and file paths by importing the same constants.
"""

# --- CheXpert-v1.0-small (Stanford ML Group) ---
CHEXPERT_ROOT = "CheXpert-v1.0-small"
CHEXPERT_LABELS_CSV = "train.csv"  # the only table the study reads (valid.csv is not used)
CHEXPERT_META_COLUMNS = ("Path", "Sex", "Age", "Frontal/Lateral", "AP/PA")
CHEXPERT_FINDINGS = (
    "No Finding",
    "Enlarged Cardiomediastinum",
    "Cardiomegaly",
    "Lung Opacity",
    "Lung Lesion",
    "Edema",
    "Consolidation",
    "Pneumonia",
    "Atelectasis",
    "Pneumothorax",
    "Pleural Effusion",
    "Pleural Other",
    "Fracture",
    "Support Devices",
)
CHEXPERT_COLUMNS = CHEXPERT_META_COLUMNS + CHEXPERT_FINDINGS
# Label cells hold "1.0" (positive), "0.0" (negative), "-1.0" (uncertain) or are blank (not mentioned).
CHEXPERT_POSITIVE, CHEXPERT_NEGATIVE, CHEXPERT_UNCERTAIN = 1.0, 0.0, -1.0


def chexpert_image_path(split: str, patient: int, study: int, view: int, frontal: bool) -> str:
    """Path as in the CSV Path column: CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg."""
    kind = "frontal" if frontal else "lateral"
    return f"{CHEXPERT_ROOT}/{split}/patient{patient:05d}/study{study}/view{view}_{kind}.jpg"


# --- RSNA Intracranial Hemorrhage Detection (Kaggle, stage 2) ---
RSNA_LABELS_CSV = "stage_2_train.csv"
RSNA_IMAGE_DIR = "stage_2_train"
RSNA_CSV_COLUMNS = ("ID", "Label")
# stage_2_train.csv has six rows per image, ID_<sop>_<subtype>, always in this order.
RSNA_SUBTYPES = ("epidural", "intraparenchymal", "intraventricular", "subarachnoid", "subdural", "any")
RSNA_HAEMORRHAGES = RSNA_SUBTYPES[:-1]


def rsna_image_file(sop_id: str) -> str:
    """File name of one slice relative to the download folder, e.g. stage_2_train/ID_63eb1e259.dcm."""
    return f"{RSNA_IMAGE_DIR}/{sop_id}.dcm"


# The label table each dataset's index reads: what it indexes is decided by this file.
LABEL_TABLES = {"chest": CHEXPERT_LABELS_CSV, "brain": RSNA_LABELS_CSV}

# What each dataset's raw_dir must hold, for the error a user sees before downloading it.
DOWNLOADS = {
    "chest": "CheXpert-v1.0-small (Stanford ML Group, free registration): the folder with train.csv and train/",
    "brain": "RSNA Intracranial Hemorrhage Detection (Kaggle competition, stage 2): the folder with "
             "stage_2_train.csv and stage_2_train/",
}



# What a model card says of the data a generator learned from (synthbench.catalogue.cards): what the images show
# and the terms the public dataset is shared under, which a model derived from it carries.
DATASET_FACTS = {
    "chest": {"modality": "radiograph (X-ray), frontal view", "anatomy": "chest",
              "source_data": {"name": "CheXpert-v1.0-small (Irvin et al., AAAI 2019)",
                              "licence": "Stanford University CheXpert Dataset Research Use Agreement: "
                                         "non-commercial research use",
                              "url": "https://stanfordmlgroup.github.io/competitions/chexpert/"}},
    "brain": {"modality": "computed tomography (CT), axial slice, brain window", "anatomy": "head",
              "source_data": {"name": "RSNA Intracranial Hemorrhage Detection, stage 2 (Flanders et al., "
                                      "Radiology: Artificial Intelligence 2020)",
                              "licence": "RSNA Intracranial Hemorrhage Detection competition data: "
                                         "non-commercial research and education use",
                              "url": "https://www.kaggle.com/c/rsna-intracranial-hemorrhage-detection"}},
}
